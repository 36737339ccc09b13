//! Text messaging: verified, opted-in numbers per member, the log of what was sent (one row per
//! message key, so a reminder goes out once however often the sender runs), and inbound replies.

use crate::StoreError;
use crate::db::{Cell, Conn, Kind, Val};

/// A member's mobile number for texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextNumber {
    pub mobile: String,
    pub patient: String,
    pub code_hash: Option<String>,
    pub code_expires: Option<i64>,
    pub attempts: i64,
    pub verified_at: Option<i64>,
    pub opted_in: bool,
    pub stopped_at: Option<i64>,
}

impl TextNumber {
    /// Reminders may go to it: proven, opted in, not stopped.
    pub fn active(&self) -> bool {
        self.verified_at.is_some() && self.opted_in && self.stopped_at.is_none()
    }
}

const COLS: &str =
    "mobile, patient, code_hash, code_expires, attempts, verified_at, opted_in, stopped_at";
const KINDS: &[Kind] = &[
    Kind::Text,
    Kind::Text,
    Kind::OptText,
    Kind::OptInt,
    Kind::Int,
    Kind::OptInt,
    Kind::Bool,
    Kind::OptInt,
];

fn opt_int(c: Cell) -> Option<i64> {
    match c {
        Cell::Int(i) => Some(i),
        _ => None,
    }
}

fn row(r: Vec<Cell>) -> TextNumber {
    let mut it = r.into_iter();
    let mut next = || it.next().unwrap_or(Cell::Null);
    TextNumber {
        mobile: next().text(),
        patient: next().text(),
        code_hash: next().opt_text(),
        code_expires: opt_int(next()),
        attempts: next().int(),
        verified_at: opt_int(next()),
        opted_in: next().bool(),
        stopped_at: opt_int(next()),
    }
}

/// Start (or restart) proving `mobile` for `patient`: a new code, attempts reset.
pub async fn set_code(
    c: &mut Conn,
    mobile: &str,
    patient: &str,
    code_hash: &str,
    expires: i64,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO text_numbers (mobile, patient, code_hash, code_expires, attempts, opted_in, updated_at) \
         VALUES ($1, $2, $3, $4, 0, FALSE, $5) \
         ON CONFLICT (mobile, patient) DO UPDATE SET code_hash = $3, code_expires = $4, attempts = 0, updated_at = $5",
        &[
            mobile.into(),
            patient.into(),
            code_hash.into(),
            expires.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

pub async fn number(
    c: &mut Conn,
    mobile: &str,
    patient: &str,
) -> Result<Option<TextNumber>, StoreError> {
    Ok(c.fetch_opt(
        &format!("SELECT {COLS} FROM text_numbers WHERE mobile = $1 AND patient = $2"),
        &[mobile.into(), patient.into()],
        KINDS,
    )
    .await?
    .map(row))
}

pub async fn numbers_of(c: &mut Conn, patient: &str) -> Result<Vec<TextNumber>, StoreError> {
    Ok(c.fetch(
        &format!("SELECT {COLS} FROM text_numbers WHERE patient = $1 ORDER BY mobile"),
        &[patient.into()],
        KINDS,
    )
    .await?
    .into_iter()
    .map(row)
    .collect())
}

pub async fn numbers_by_mobile(c: &mut Conn, mobile: &str) -> Result<Vec<TextNumber>, StoreError> {
    Ok(c.fetch(
        &format!("SELECT {COLS} FROM text_numbers WHERE mobile = $1 ORDER BY patient"),
        &[mobile.into()],
        KINDS,
    )
    .await?
    .into_iter()
    .map(row)
    .collect())
}

/// One more wrong code.
pub async fn add_attempt(c: &mut Conn, mobile: &str, patient: &str) -> Result<(), StoreError> {
    c.execute(
        "UPDATE text_numbers SET attempts = attempts + 1 WHERE mobile = $1 AND patient = $2",
        &[mobile.into(), patient.into()],
    )
    .await?;
    Ok(())
}

/// The code was right: proven and opted in (the member asked for reminders to this number).
pub async fn set_verified(
    c: &mut Conn,
    mobile: &str,
    patient: &str,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE text_numbers SET verified_at = $3, opted_in = TRUE, stopped_at = NULL, code_hash = NULL, \
         code_expires = NULL, attempts = 0, updated_at = $3 WHERE mobile = $1 AND patient = $2",
        &[mobile.into(), patient.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// The member turns reminders to this number on or off (off: the row stays, proven).
pub async fn set_opted_in(
    c: &mut Conn,
    mobile: &str,
    patient: &str,
    on: bool,
    now: i64,
) -> Result<u64, StoreError> {
    c.execute(
        "UPDATE text_numbers SET opted_in = $3, updated_at = $4 WHERE mobile = $1 AND patient = $2",
        &[mobile.into(), patient.into(), Val::Bool(on), now.into()],
    )
    .await
}

/// Remove a number from a member.
pub async fn delete_number(c: &mut Conn, mobile: &str, patient: &str) -> Result<u64, StoreError> {
    c.execute(
        "DELETE FROM text_numbers WHERE mobile = $1 AND patient = $2",
        &[mobile.into(), patient.into()],
    )
    .await
}

/// STOP (`stopped = true`) or START for every member on this number (SMS-02: the carrier's
/// keywords act on the number).
pub async fn set_stopped(
    c: &mut Conn,
    mobile: &str,
    stopped: bool,
    now: i64,
) -> Result<u64, StoreError> {
    let at = if stopped { Val::Int(now) } else { Val::NullInt };
    c.execute(
        "UPDATE text_numbers SET stopped_at = $2, updated_at = $3 WHERE mobile = $1",
        &[mobile.into(), at, now.into()],
    )
    .await
}

/// Record a message under `key`; `false` when that key was sent already (nothing changes).
pub async fn log_sent(
    c: &mut Conn,
    key: &str,
    patient: &str,
    mobile: &str,
    kind: &str,
    appointment: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let n = c
        .execute(
            "INSERT INTO text_log (msg_key, patient, mobile, kind, appointment, sent_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (msg_key) DO NOTHING",
            &[
                key.into(),
                patient.into(),
                mobile.into(),
                kind.into(),
                Val::from(appointment.map(str::to_owned)),
                now.into(),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// When reminders went to this member since `since` (caps, SMS-01).
pub async fn reminders_since(
    c: &mut Conn,
    patient: &str,
    since: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(c
        .fetch(
            "SELECT sent_at FROM text_log WHERE patient = $1 AND kind IN ('reminder', 'refill') AND sent_at >= $2 ORDER BY sent_at",
            &[patient.into(), since.into()],
            &[Kind::Int],
        )
        .await?
        .into_iter()
        .filter_map(|r| r.into_iter().next().map(|c| c.int()))
        .collect())
}

/// The latest reminder sent to `mobile`: (patient, appointment), for a C or X reply.
pub async fn last_reminder_to(
    c: &mut Conn,
    mobile: &str,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(c.fetch_opt(
        "SELECT patient, appointment FROM text_log WHERE mobile = $1 AND kind = 'reminder' \
             AND appointment IS NOT NULL ORDER BY sent_at DESC, msg_key DESC LIMIT 1",
        &[mobile.into()],
        &[Kind::Text, Kind::Text],
    )
    .await?
    .map(|r| {
        let mut it = r.into_iter();
        (
            it.next().map(|c| c.text()).unwrap_or_default(),
            it.next().map(|c| c.text()).unwrap_or_default(),
        )
    }))
}

/// Keep an inbound reply and what it did.
pub async fn insert_inbox(
    c: &mut Conn,
    mobile: &str,
    body: &str,
    now: i64,
    outcome: &str,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO text_inbox (mobile, body, received_at, outcome) VALUES ($1, $2, $3, $4)",
        &[mobile.into(), body.into(), now.into(), outcome.into()],
    )
    .await?;
    Ok(())
}
