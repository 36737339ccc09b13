//! The identity capability's tables: accounts, recovery codes, sessions, sign-in attempts,
//! one-time tokens, proxy grants, OAuth2/SMART clients, grants, codes and tokens, and the
//! notification outbox. Only hashes of secrets are stored. Every value is bound.

use crate::StoreError;
use crate::db::{Cell, Conn, Kind, Row, Val};

/// One account row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub mobile: Option<String>,
    pub display_name: String,
    /// member | caregiver | staff
    pub kind: String,
    pub patient_id: Option<String>,
    pub birth_date: Option<String>,
    pub state: Option<String>,
    pub staff_role: Option<String>,
    pub practitioner_id: Option<String>,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub failed_count: i64,
    pub locked_until: Option<i64>,
    pub disabled: bool,
    pub created_at: i64,
}

const ACCOUNT_COLS: &str = "id, email, mobile, display_name, kind, patient_id, birth_date, state, \
    staff_role, practitioner_id, password_hash, totp_secret, failed_count, locked_until, disabled, created_at";
const ACCOUNT_KINDS: [Kind; 16] = [
    Kind::Text,
    Kind::Text,
    Kind::OptText,
    Kind::Text,
    Kind::Text,
    Kind::OptText,
    Kind::OptText,
    Kind::OptText,
    Kind::OptText,
    Kind::OptText,
    Kind::Text,
    Kind::OptText,
    Kind::Int,
    Kind::OptInt,
    Kind::Bool,
    Kind::Int,
];

fn account_from(row: Row) -> AccountRow {
    let mut it = row.into_iter();
    let mut next = || it.next().unwrap_or(Cell::Null);
    AccountRow {
        id: next().text(),
        email: next().text(),
        mobile: next().opt_text(),
        display_name: next().text(),
        kind: next().text(),
        patient_id: next().opt_text(),
        birth_date: next().opt_text(),
        state: next().opt_text(),
        staff_role: next().opt_text(),
        practitioner_id: next().opt_text(),
        password_hash: next().text(),
        totp_secret: next().opt_text(),
        failed_count: next().int(),
        locked_until: next().opt_int(),
        disabled: next().bool(),
        created_at: next().int(),
    }
}

fn opt(v: &Option<String>) -> Val {
    v.clone().into()
}

fn opt_int(v: Option<i64>) -> Val {
    v.map_or(Val::NullInt, Val::Int)
}

/// Insert an account. A duplicate email or patient fails with a unique violation
/// ([`StoreError::is_unique_violation`]).
pub async fn insert_account(c: &mut Conn, a: &AccountRow) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO accounts (id, email, mobile, display_name, kind, patient_id, birth_date, state, \
         staff_role, practitioner_id, password_hash, totp_secret, failed_count, locked_until, disabled, \
         created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16)",
        &[
            a.id.as_str().into(),
            a.email.as_str().into(),
            opt(&a.mobile),
            a.display_name.as_str().into(),
            a.kind.as_str().into(),
            opt(&a.patient_id),
            opt(&a.birth_date),
            opt(&a.state),
            opt(&a.staff_role),
            opt(&a.practitioner_id),
            a.password_hash.as_str().into(),
            opt(&a.totp_secret),
            a.failed_count.into(),
            opt_int(a.locked_until),
            a.disabled.into(),
            a.created_at.into(),
        ],
    )
    .await?;
    Ok(())
}

async fn account_where(
    c: &mut Conn,
    column: &'static str,
    value: &str,
) -> Result<Option<AccountRow>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE {column} = $1");
    Ok(c.fetch_opt(&sql, &[value.into()], &ACCOUNT_KINDS)
        .await?
        .map(account_from))
}

pub async fn account_by_email(c: &mut Conn, email: &str) -> Result<Option<AccountRow>, StoreError> {
    account_where(c, "email", email).await
}

pub async fn account_by_id(c: &mut Conn, id: &str) -> Result<Option<AccountRow>, StoreError> {
    account_where(c, "id", id).await
}

pub async fn account_by_patient(
    c: &mut Conn,
    patient: &str,
) -> Result<Option<AccountRow>, StoreError> {
    account_where(c, "patient_id", patient).await
}

/// Record the sign-in failure counter and lock.
pub async fn set_attempt_state(
    c: &mut Conn,
    id: &str,
    failed_count: i64,
    locked_until: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE accounts SET failed_count = $1, locked_until = $2, updated_at = $3 WHERE id = $4",
        &[
            failed_count.into(),
            opt_int(locked_until),
            now.into(),
            id.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Set a new password hash; clears the failure counter and any lock.
pub async fn set_password(c: &mut Conn, id: &str, hash: &str, now: i64) -> Result<(), StoreError> {
    c.execute(
        "UPDATE accounts SET password_hash = $1, failed_count = 0, locked_until = NULL, updated_at = $2 \
         WHERE id = $3",
        &[hash.into(), now.into(), id.into()],
    )
    .await?;
    c.callers_changed().await?;
    Ok(())
}

pub async fn set_totp(
    c: &mut Conn,
    id: &str,
    secret: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE accounts SET totp_secret = $1, updated_at = $2 WHERE id = $3",
        &[
            secret.map_or(Val::NullText, Val::from),
            now.into(),
            id.into(),
        ],
    )
    .await?;
    Ok(())
}

pub async fn set_contact(
    c: &mut Conn,
    id: &str,
    mobile: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE accounts SET mobile = $1, updated_at = $2 WHERE id = $3",
        &[
            mobile.map_or(Val::NullText, Val::from),
            now.into(),
            id.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Replace the account's recovery codes (hashes).
pub async fn replace_recovery_codes(
    c: &mut Conn,
    id: &str,
    hashes: &[String],
) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM recovery_codes WHERE account_id = $1",
        &[id.into()],
    )
    .await?;
    for h in hashes {
        c.execute(
            "INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1, $2)",
            &[id.into(), h.as_str().into()],
        )
        .await?;
    }
    Ok(())
}

/// Use a recovery code once. True when it existed and was unused.
pub async fn use_recovery_code(
    c: &mut Conn,
    id: &str,
    hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(c.execute(
        "UPDATE recovery_codes SET used_at = $1 WHERE account_id = $2 AND code_hash = $3 AND used_at IS NULL",
        &[now.into(), id.into(), hash.into()],
    )
    .await?
        == 1)
}

/// One session row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub token_hash: String,
    pub account_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub absolute_end: i64,
    pub pending_two_step: bool,
    pub acting_for: Option<String>,
    pub revoked: bool,
}

pub async fn insert_session(
    c: &mut Conn,
    s: &SessionRow,
    source: Option<&str>,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen, expires_at, absolute_end, \
         pending_two_step, acting_for, source, revoked) VALUES ($1,$2,$3,$3,$4,$5,$6,$7,$8,FALSE)",
        &[
            s.token_hash.as_str().into(),
            s.account_id.as_str().into(),
            s.created_at.into(),
            s.expires_at.into(),
            s.absolute_end.into(),
            s.pending_two_step.into(),
            opt(&s.acting_for),
            source.map_or(Val::NullText, Val::from),
        ],
    )
    .await?;
    Ok(())
}

pub async fn session_by_hash(c: &mut Conn, hash: &str) -> Result<Option<SessionRow>, StoreError> {
    let row = c
        .fetch_opt(
            "SELECT token_hash, account_id, created_at, expires_at, absolute_end, pending_two_step, \
             acting_for, revoked FROM sessions WHERE token_hash = $1",
            &[hash.into()],
            &[
                Kind::Text,
                Kind::Text,
                Kind::Int,
                Kind::Int,
                Kind::Int,
                Kind::Bool,
                Kind::OptText,
                Kind::Bool,
            ],
        )
        .await?;
    Ok(row.map(|r| {
        let mut it = r.into_iter();
        let mut next = || it.next().unwrap_or(Cell::Null);
        SessionRow {
            token_hash: next().text(),
            account_id: next().text(),
            created_at: next().int(),
            expires_at: next().int(),
            absolute_end: next().int(),
            pending_two_step: next().bool(),
            acting_for: next().opt_text(),
            revoked: next().bool(),
        }
    }))
}

/// Push the idle expiry forward.
pub async fn touch_session(
    c: &mut Conn,
    hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE sessions SET last_seen = $1, expires_at = $2 WHERE token_hash = $3",
        &[now.into(), expires_at.into(), hash.into()],
    )
    .await?;
    Ok(())
}

pub async fn set_session_acting_for(
    c: &mut Conn,
    hash: &str,
    patient: Option<&str>,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE sessions SET acting_for = $1 WHERE token_hash = $2",
        &[patient.map_or(Val::NullText, Val::from), hash.into()],
    )
    .await?;
    Ok(())
}

pub async fn revoke_session(c: &mut Conn, hash: &str) -> Result<(), StoreError> {
    c.execute(
        "UPDATE sessions SET revoked = TRUE WHERE token_hash = $1",
        &[hash.into()],
    )
    .await?;
    Ok(())
}

/// Sign out everywhere (and after a password reset).
pub async fn revoke_account_sessions(c: &mut Conn, account: &str) -> Result<u64, StoreError> {
    c.execute(
        "UPDATE sessions SET revoked = TRUE WHERE account_id = $1 AND revoked = FALSE",
        &[account.into()],
    )
    .await
}

/// Sign out every other session of the account (after a password change): all but `keep`.
pub async fn revoke_other_sessions(
    c: &mut Conn,
    account: &str,
    keep: &str,
) -> Result<u64, StoreError> {
    c.execute(
        "UPDATE sessions SET revoked = TRUE WHERE account_id = $1 AND token_hash <> $2 AND revoked = FALSE",
        &[account.into(), keep.into()],
    )
    .await
}

pub async fn insert_attempt(
    c: &mut Conn,
    source: &str,
    at: i64,
    ok: bool,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO sign_in_attempts (source, at, ok) VALUES ($1, $2, $3)",
        &[source.into(), at.into(), ok.into()],
    )
    .await?;
    Ok(())
}

/// Failed sign-ins from `source` since `since`: how many, and when the oldest of them was.
pub async fn failed_attempts_since(
    c: &mut Conn,
    source: &str,
    since: i64,
) -> Result<(i64, Option<i64>), StoreError> {
    let rows = c
        .fetch(
            "SELECT COUNT(*), MIN(at) FROM sign_in_attempts WHERE source = $1 AND at >= $2 AND ok = FALSE",
            &[source.into(), since.into()],
            &[Kind::Int, Kind::OptInt],
        )
        .await?;
    let row = rows.into_iter().next().unwrap_or_default();
    Ok((
        row.first().map_or(0, Cell::int),
        row.get(1).and_then(Cell::opt_int),
    ))
}

pub async fn insert_one_time_token(
    c: &mut Conn,
    hash: &str,
    account: &str,
    purpose: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO one_time_tokens (token_hash, account_id, purpose, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            hash.into(),
            account.into(),
            purpose.into(),
            now.into(),
            expires_at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// How many one-time tokens of `purpose` were issued to the account since `since`.
pub async fn count_one_time_tokens_since(
    c: &mut Conn,
    account: &str,
    purpose: &str,
    since: i64,
) -> Result<i64, StoreError> {
    Ok(c
        .fetch_opt(
            "SELECT COUNT(*) FROM one_time_tokens WHERE account_id = $1 AND purpose = $2 AND created_at >= $3",
            &[account.into(), purpose.into(), since.into()],
            &[Kind::Int],
        )
        .await?
        .and_then(|r| r.first().map(Cell::int))
        .unwrap_or(0))
}

/// How many proxy grants (invitations included) an actor recorded since `since`.
pub async fn count_grants_by_since(
    c: &mut Conn,
    granted_by: &str,
    since: i64,
) -> Result<i64, StoreError> {
    Ok(c.fetch_opt(
        "SELECT COUNT(*) FROM proxy_grants WHERE granted_by = $1 AND created_at >= $2",
        &[granted_by.into(), since.into()],
        &[Kind::Int],
    )
    .await?
    .and_then(|r| r.first().map(Cell::int))
    .unwrap_or(0))
}

/// Why a one-time token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Unknown,
    Used,
    Expired,
}

/// Whether a one-time token could be used now (without using it): its account, or why not.
pub async fn one_time_token_state(
    c: &mut Conn,
    hash: &str,
    purpose: &str,
    now: i64,
) -> Result<Result<String, TokenProblem>, StoreError> {
    let row = c
        .fetch_opt(
            "SELECT account_id, expires_at, used_at FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2",
            &[hash.into(), purpose.into()],
            &[Kind::Text, Kind::Int, Kind::OptInt],
        )
        .await?;
    let Some(row) = row else {
        return Ok(Err(TokenProblem::Unknown));
    };
    if row[2] != Cell::Null {
        return Ok(Err(TokenProblem::Used));
    }
    if row[1].int() <= now {
        return Ok(Err(TokenProblem::Expired));
    }
    Ok(Ok(row[0].clone().text()))
}

/// Use a one-time token: exactly once, before it expires. Returns the account id; using it
/// also voids the account's other unused tokens of the same purpose.
pub async fn take_one_time_token(
    c: &mut Conn,
    hash: &str,
    purpose: &str,
    now: i64,
) -> Result<Result<String, TokenProblem>, StoreError> {
    let account = match one_time_token_state(c, hash, purpose, now).await? {
        Ok(a) => a,
        Err(p) => return Ok(Err(p)),
    };
    let n = c
        .execute(
            "UPDATE one_time_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
            &[now.into(), hash.into()],
        )
        .await?;
    if n != 1 {
        return Ok(Err(TokenProblem::Used));
    }
    c.execute(
        "UPDATE one_time_tokens SET used_at = $1 WHERE account_id = $2 AND purpose = $3 AND used_at IS NULL",
        &[now.into(), account.as_str().into(), purpose.into()],
    )
    .await?;
    Ok(Ok(account))
}

/// One proxy grant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProxyGrantRow {
    pub id: String,
    pub subject_patient: String,
    pub grantee_account: Option<String>,
    pub grantee_email: Option<String>,
    pub grantee_name: String,
    /// parent | caregiver | legal
    pub relationship: String,
    /// YYYY-MM-DD
    pub granted_on: String,
    pub granted_by: String,
    pub document: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const GRANT_COLS: &str = "id, subject_patient, grantee_account, grantee_email, grantee_name, relationship, \
    granted_on, granted_by, document, created_at, revoked_at";
const GRANT_KINDS: [Kind; 11] = [
    Kind::Text,
    Kind::Text,
    Kind::OptText,
    Kind::OptText,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::OptText,
    Kind::Int,
    Kind::OptInt,
];

fn grant_from(row: Row) -> ProxyGrantRow {
    let mut it = row.into_iter();
    let mut next = || it.next().unwrap_or(Cell::Null);
    ProxyGrantRow {
        id: next().text(),
        subject_patient: next().text(),
        grantee_account: next().opt_text(),
        grantee_email: next().opt_text(),
        grantee_name: next().text(),
        relationship: next().text(),
        granted_on: next().text(),
        granted_by: next().text(),
        document: next().opt_text(),
        created_at: next().int(),
        revoked_at: next().opt_int(),
    }
}

pub async fn insert_proxy_grant(c: &mut Conn, g: &ProxyGrantRow) -> Result<(), StoreError> {
    c.execute(
        &format!(
            "INSERT INTO proxy_grants ({GRANT_COLS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
        ),
        &[
            g.id.as_str().into(),
            g.subject_patient.as_str().into(),
            opt(&g.grantee_account),
            opt(&g.grantee_email),
            g.grantee_name.as_str().into(),
            g.relationship.as_str().into(),
            g.granted_on.as_str().into(),
            g.granted_by.as_str().into(),
            opt(&g.document),
            g.created_at.into(),
            opt_int(g.revoked_at),
        ],
    )
    .await?;
    c.callers_changed().await?;
    Ok(())
}

/// Active (unrevoked) grants held by an account.
pub async fn grants_held_by(c: &mut Conn, account: &str) -> Result<Vec<ProxyGrantRow>, StoreError> {
    let sql = format!(
        "SELECT {GRANT_COLS} FROM proxy_grants WHERE grantee_account = $1 AND revoked_at IS NULL ORDER BY created_at, id"
    );
    Ok(c.fetch(&sql, &[account.into()], &GRANT_KINDS)
        .await?
        .into_iter()
        .map(grant_from)
        .collect())
}

/// Active grants (and pending invitations) on a patient's record.
pub async fn grants_on(c: &mut Conn, patient: &str) -> Result<Vec<ProxyGrantRow>, StoreError> {
    let sql = format!(
        "SELECT {GRANT_COLS} FROM proxy_grants WHERE subject_patient = $1 AND revoked_at IS NULL ORDER BY created_at, id"
    );
    Ok(c.fetch(&sql, &[patient.into()], &GRANT_KINDS)
        .await?
        .into_iter()
        .map(grant_from)
        .collect())
}

pub async fn grant_by_id(c: &mut Conn, id: &str) -> Result<Option<ProxyGrantRow>, StoreError> {
    let sql = format!("SELECT {GRANT_COLS} FROM proxy_grants WHERE id = $1");
    Ok(c.fetch_opt(&sql, &[id.into()], &GRANT_KINDS)
        .await?
        .map(grant_from))
}

pub async fn revoke_proxy_grant(
    c: &mut Conn,
    id: &str,
    by: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let n = c.execute(
        "UPDATE proxy_grants SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL",
        &[now.into(), by.into(), id.into()],
    )
    .await?;
    c.callers_changed().await?;
    Ok(n == 1)
}

/// Attach pending invitations sent to `email` to the account that just registered with it.
/// Attach the pending invitations addressed to `email` (made at or after `not_before`) to
/// `account`. Call only once the account has proven it owns the address.
pub async fn claim_invitations(
    c: &mut Conn,
    email: &str,
    account: &str,
    not_before: i64,
) -> Result<u64, StoreError> {
    let n = c.execute(
        "UPDATE proxy_grants SET grantee_account = $1 WHERE grantee_email = $2 AND grantee_account IS NULL \
         AND revoked_at IS NULL AND created_at >= $3",
        &[account.into(), email.into(), not_before.into()],
    )
    .await?;
    if n > 0 {
        c.callers_changed().await?;
    }
    Ok(n)
}

/// Has the account proven its email address?
pub async fn email_verified(c: &mut Conn, account: &str) -> Result<bool, StoreError> {
    Ok(c.fetch_opt(
        "SELECT email_verified_at FROM accounts WHERE id = $1",
        &[account.into()],
        &[Kind::OptInt],
    )
    .await?
    .and_then(|r| r.first().and_then(Cell::opt_int))
    .is_some())
}

/// Record that the account proved its email address (first time only).
pub async fn set_email_verified(c: &mut Conn, account: &str, now: i64) -> Result<(), StoreError> {
    c.execute(
        "UPDATE accounts SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
        &[now.into(), account.into()],
    )
    .await?;
    c.callers_changed().await?;
    Ok(())
}

/// A registered OAuth2 / SMART client.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientRow {
    pub client_id: String,
    pub name: String,
    /// JSON array of exact redirect URIs.
    pub redirect_uris: String,
    pub scopes: String,
    pub secret_hash: Option<String>,
    pub integration: bool,
    pub created_by: String,
    pub created_at: i64,
    pub disabled: bool,
}

const CLIENT_COLS: &str = "client_id, name, redirect_uris, scopes, secret_hash, integration, created_by, created_at, disabled";
const CLIENT_KINDS: [Kind; 9] = [
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::OptText,
    Kind::Bool,
    Kind::Text,
    Kind::Int,
    Kind::Bool,
];

fn client_from(row: Row) -> ClientRow {
    let mut it = row.into_iter();
    let mut next = || it.next().unwrap_or(Cell::Null);
    ClientRow {
        client_id: next().text(),
        name: next().text(),
        redirect_uris: next().text(),
        scopes: next().text(),
        secret_hash: next().opt_text(),
        integration: next().bool(),
        created_by: next().text(),
        created_at: next().int(),
        disabled: next().bool(),
    }
}

pub async fn insert_client(c: &mut Conn, r: &ClientRow) -> Result<(), StoreError> {
    c.execute(
        &format!("INSERT INTO oauth_clients ({CLIENT_COLS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)"),
        &[
            r.client_id.as_str().into(),
            r.name.as_str().into(),
            r.redirect_uris.as_str().into(),
            r.scopes.as_str().into(),
            opt(&r.secret_hash),
            r.integration.into(),
            r.created_by.as_str().into(),
            r.created_at.into(),
            r.disabled.into(),
        ],
    )
    .await?;
    Ok(())
}

pub async fn client_by_id(c: &mut Conn, id: &str) -> Result<Option<ClientRow>, StoreError> {
    let sql = format!("SELECT {CLIENT_COLS} FROM oauth_clients WHERE client_id = $1");
    Ok(c.fetch_opt(&sql, &[id.into()], &CLIENT_KINDS)
        .await?
        .map(client_from))
}

/// What a person allowed an app.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OAuthGrantRow {
    pub id: String,
    pub client_id: String,
    pub account_id: Option<String>,
    pub scope: String,
    pub patient: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

const OGRANT_COLS: &str = "id, client_id, account_id, scope, patient, created_at, revoked_at";
const OGRANT_KINDS: [Kind; 7] = [
    Kind::Text,
    Kind::Text,
    Kind::OptText,
    Kind::Text,
    Kind::OptText,
    Kind::Int,
    Kind::OptInt,
];

fn ogrant_from(row: Row) -> OAuthGrantRow {
    let mut it = row.into_iter();
    let mut next = || it.next().unwrap_or(Cell::Null);
    OAuthGrantRow {
        id: next().text(),
        client_id: next().text(),
        account_id: next().opt_text(),
        scope: next().text(),
        patient: next().opt_text(),
        created_at: next().int(),
        revoked_at: next().opt_int(),
    }
}

pub async fn insert_oauth_grant(c: &mut Conn, g: &OAuthGrantRow) -> Result<(), StoreError> {
    c.execute(
        &format!("INSERT INTO oauth_grants ({OGRANT_COLS}) VALUES ($1,$2,$3,$4,$5,$6,$7)"),
        &[
            g.id.as_str().into(),
            g.client_id.as_str().into(),
            opt(&g.account_id),
            g.scope.as_str().into(),
            opt(&g.patient),
            g.created_at.into(),
            opt_int(g.revoked_at),
        ],
    )
    .await?;
    Ok(())
}

pub async fn oauth_grant_by_id(
    c: &mut Conn,
    id: &str,
) -> Result<Option<OAuthGrantRow>, StoreError> {
    let sql = format!("SELECT {OGRANT_COLS} FROM oauth_grants WHERE id = $1");
    Ok(c.fetch_opt(&sql, &[id.into()], &OGRANT_KINDS)
        .await?
        .map(ogrant_from))
}

/// The apps an account has connected (unrevoked grants).
pub async fn oauth_grants_of(
    c: &mut Conn,
    account: &str,
) -> Result<Vec<OAuthGrantRow>, StoreError> {
    let sql = format!(
        "SELECT {OGRANT_COLS} FROM oauth_grants WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at, id"
    );
    Ok(c.fetch(&sql, &[account.into()], &OGRANT_KINDS)
        .await?
        .into_iter()
        .map(ogrant_from)
        .collect())
}

/// Disconnect an app: the grant and every token issued under it.
pub async fn revoke_oauth_grant(c: &mut Conn, id: &str, now: i64) -> Result<bool, StoreError> {
    let n = c
        .execute(
            "UPDATE oauth_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            &[now.into(), id.into()],
        )
        .await?;
    c.execute(
        "UPDATE oauth_tokens SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at IS NULL",
        &[now.into(), id.into()],
    )
    .await?;
    c.callers_changed().await?;
    Ok(n == 1)
}

pub async fn insert_code(
    c: &mut Conn,
    hash: &str,
    grant: &str,
    redirect_uri: &str,
    challenge: &str,
    expires_at: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO oauth_codes (code_hash, grant_id, redirect_uri, code_challenge, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            hash.into(),
            grant.into(),
            redirect_uri.into(),
            challenge.into(),
            expires_at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// An authorization code being redeemed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    pub grant_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub expires_at: i64,
    /// Already used before this call (a replay).
    pub reused: bool,
}

/// Mark a code used (once) and return it; `reused` tells a replay.
pub async fn take_code(c: &mut Conn, hash: &str, now: i64) -> Result<Option<CodeRow>, StoreError> {
    let row = c
        .fetch_opt(
            "SELECT grant_id, redirect_uri, code_challenge, expires_at, used_at FROM oauth_codes WHERE code_hash = $1",
            &[hash.into()],
            &[Kind::Text, Kind::Text, Kind::Text, Kind::Int, Kind::OptInt],
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let n = c
        .execute(
            "UPDATE oauth_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL",
            &[now.into(), hash.into()],
        )
        .await?;
    let mut it = row.into_iter();
    let mut next = || it.next().unwrap_or(Cell::Null);
    Ok(Some(CodeRow {
        grant_id: next().text(),
        redirect_uri: next().text(),
        code_challenge: next().text(),
        expires_at: next().int(),
        reused: n != 1,
    }))
}

pub async fn insert_token(
    c: &mut Conn,
    hash: &str,
    grant: &str,
    kind: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO oauth_tokens (token_hash, grant_id, kind, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)",
        &[
            hash.into(),
            grant.into(),
            kind.into(),
            now.into(),
            expires_at.into(),
        ],
    )
    .await?;
    Ok(())
}

/// A token found by its hash: (grant id, kind, expires_at, revoked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub grant_id: String,
    pub kind: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
}

pub async fn token_by_hash(c: &mut Conn, hash: &str) -> Result<Option<TokenRow>, StoreError> {
    let row = c
        .fetch_opt(
            "SELECT grant_id, kind, created_at, expires_at, revoked_at FROM oauth_tokens WHERE token_hash = $1",
            &[hash.into()],
            &[Kind::Text, Kind::Text, Kind::Int, Kind::Int, Kind::OptInt],
        )
        .await?;
    Ok(row.map(|r| {
        let mut it = r.into_iter();
        let mut next = || it.next().unwrap_or(Cell::Null);
        TokenRow {
            grant_id: next().text(),
            kind: next().text(),
            created_at: next().int(),
            expires_at: next().int(),
            revoked: next() != Cell::Null,
        }
    }))
}

pub async fn revoke_token(c: &mut Conn, hash: &str, now: i64) -> Result<bool, StoreError> {
    let n = c
        .execute(
            "UPDATE oauth_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
            &[now.into(), hash.into()],
        )
        .await?;
    c.callers_changed().await?;
    Ok(n == 1)
}

/// One notification waiting in (or sent from) the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

pub async fn enqueue(
    c: &mut Conn,
    channel: &str,
    recipient: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO outbox (channel, recipient, subject, body, created_at) VALUES ($1,$2,$3,$4,$5)",
        &[
            channel.into(),
            recipient.into(),
            subject.into(),
            body.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Claim up to `limit` unsent messages (marking them sent). Inside a write transaction, so two
/// senders never take the same message (SQLite has one writer; PostgreSQL skips locked rows).
pub async fn claim_outbox(
    c: &mut Conn,
    limit: i64,
    now: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    let lock = if c.is_postgres() {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "SELECT id, channel, recipient, subject, body, created_at FROM outbox WHERE sent_at IS NULL \
         ORDER BY id LIMIT $1{lock}"
    );
    let rows = c
        .fetch(
            &sql,
            &[limit.into()],
            &[
                Kind::Int,
                Kind::Text,
                Kind::Text,
                Kind::Text,
                Kind::Text,
                Kind::Int,
            ],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut it = r.into_iter();
        let mut next = || it.next().unwrap_or(Cell::Null);
        let row = OutboxRow {
            id: next().int(),
            channel: next().text(),
            recipient: next().text(),
            subject: next().text(),
            body: next().text(),
            created_at: next().int(),
        };
        c.execute(
            "UPDATE outbox SET sent_at = $1 WHERE id = $2",
            &[now.into(), row.id.into()],
        )
        .await?;
        out.push(row);
    }
    Ok(out)
}

/// Current Patients carrying an identifier with this value (any system), for registration
/// matching. Values are compared exactly.
pub async fn patients_with_identifier(
    c: &mut Conn,
    value: &str,
) -> Result<Vec<crate::StoredResource>, StoreError> {
    let sql = format!(
        "SELECT {} FROM resources r WHERE r.res_type = 'Patient' AND r.deleted = FALSE AND r.id IN \
         (SELECT t.res_id FROM idx_token t WHERE t.res_type = 'Patient' AND t.param = 'identifier' \
          AND t.code = $1) ORDER BY r.id LIMIT 20",
        crate::resources::RES_COLS
            .split(", ")
            .map(|c| format!("r.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(c.fetch(&sql, &[value.into()], crate::resources::RES_KINDS)
        .await?
        .into_iter()
        .map(crate::resources::stored_from_row)
        .collect())
}

/// Ids of current `res_type` resources whose reference parameter `param` points at
/// `target_type/target_id` (e.g. the Patients whose general practitioner is a clinician).
pub async fn ids_referring_to(
    c: &mut Conn,
    res_type: &str,
    param: &str,
    target_type: &str,
    target_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(c.fetch(
        "SELECT res_id FROM idx_reference WHERE res_type = $1 AND param = $2 AND target_type = $3 \
         AND target_id = $4 ORDER BY res_id",
        &[
            res_type.into(),
            param.into(),
            target_type.into(),
            target_id.into(),
        ],
        &[Kind::Text],
    )
    .await?
    .into_iter()
    .filter_map(|r| r.into_iter().next().and_then(Cell::opt_text))
    .collect())
}

/// Everything a bearer token resolves to, in one query: (token, its grant, the grant's client).
pub async fn bearer_lookup(
    c: &mut Conn,
    hash: &str,
) -> Result<Option<(TokenRow, OAuthGrantRow, ClientRow)>, StoreError> {
    let sql = "SELECT t.grant_id, t.kind, t.created_at, t.expires_at, t.revoked_at, \
         g.id, g.client_id, g.account_id, g.scope, g.patient, g.created_at, g.revoked_at, \
         c.client_id, c.name, c.redirect_uris, c.scopes, c.secret_hash, c.integration, c.created_by, c.created_at, c.disabled \
         FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN oauth_clients c ON c.client_id = g.client_id \
         WHERE t.token_hash = $1";
    let mut kinds = vec![Kind::Text, Kind::Text, Kind::Int, Kind::Int, Kind::OptInt];
    kinds.extend_from_slice(&OGRANT_KINDS);
    kinds.extend_from_slice(&CLIENT_KINDS);
    let Some(row) = c.fetch_opt(sql, &[hash.into()], &kinds).await? else {
        return Ok(None);
    };
    let mut row = row.into_iter();
    let token: Row = row.by_ref().take(5).collect();
    let grant: Row = row.by_ref().take(OGRANT_KINDS.len()).collect();
    let client: Row = row.collect();
    let mut t = token.into_iter();
    let mut next = || t.next().unwrap_or(Cell::Null);
    let token = TokenRow {
        grant_id: next().text(),
        kind: next().text(),
        created_at: next().int(),
        expires_at: next().int(),
        revoked: next() != Cell::Null,
    };
    Ok(Some((token, ogrant_from(grant), client_from(client))))
}

pub async fn insert_signing_key(
    c: &mut Conn,
    kid: &str,
    private_pem: &str,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO signing_keys (kid, private_pem, created_at) VALUES ($1, $2, $3)",
        &[kid.into(), private_pem.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Every signing key (kid, PEM), oldest first.
pub async fn signing_keys(c: &mut Conn) -> Result<Vec<(String, String)>, StoreError> {
    Ok(c.fetch(
        "SELECT kid, private_pem FROM signing_keys ORDER BY created_at, kid",
        &[],
        &[Kind::Text, Kind::Text],
    )
    .await?
    .into_iter()
    .map(|r| {
        let mut it = r.into_iter();
        (
            it.next().unwrap_or(Cell::Null).text(),
            it.next().unwrap_or(Cell::Null).text(),
        )
    })
    .collect())
}

/// Advance the counter `name` by `n` and return its new value (the last of the `n` numbers
/// reserved).
pub async fn advance_counter(c: &mut Conn, name: &str, n: i64) -> Result<i64, StoreError> {
    let rows = c
        .fetch(
            "INSERT INTO counters (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = counters.value + $2 RETURNING value",
            &[Val::Text(name.to_owned()), Val::Int(n)],
            &[Kind::Int],
        )
        .await?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .map_or(0, |c| c.int()))
}
