//! Registration, sign-in with lockout and throttling, two-step verification, sessions, password
//! resets and changes, staff accounts.

use jiff::civil::Date;
use ws_i18n::messages;
use ws_store::identity::{self as db, AccountRow, SessionRow, TokenProblem};

use super::{Identity, IdentityError, PatientFacts, Result, SEC, date_of, micros, ts};
use crate::rules::account::{AccountRefusal, own_account};
use crate::rules::lockout::{self, AttemptState, Gate};
use crate::rules::password::{PasswordProblem, check_password};
use crate::secrets::{self, Secret};

/// One-time tokens that prove an email address.
const VERIFY_PURPOSE: &str = "verify-email";
/// How long an email-verification link works.
const VERIFY_TTL_SECS: i64 = 7 * 24 * 3600;
/// Most password-reset links sent to one account in an hour.
const RESETS_PER_HOUR: i64 = 3;
/// Device tokens: a browser that signed in to an account before.
const DEVICE_PURPOSE: &str = "device";
/// How long a device token is honoured.
pub const DEVICE_TTL_SECS: i64 = 90 * 24 * 3600;
/// How long a caregiver invitation waits to be claimed by a proven address.
pub const INVITE_TTL_SECS: i64 = 30 * 24 * 3600;

/// What a member types to register (SEED-01: the MRN on the member ID card).
#[derive(Clone, Default)]
pub struct RegisterInput {
    pub mrn: String,
    pub birth_date: String,
    pub given: String,
    pub family: String,
    pub email: String,
    pub mobile: String,
    pub password: String,
}

impl std::fmt::Debug for RegisterInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RegisterInput(***)")
    }
}

/// Why a registration was refused. `NoMatch` never says which field was wrong, nor whether a
/// record exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterError {
    /// Fields that are missing or malformed: (field name, problem code).
    Invalid(Vec<(&'static str, &'static str)>),
    NoMatch,
    UnderThirteen,
    /// This member already has an account: sign in or reset the password.
    AlreadyRegistered,
    EmailInUse,
    Password(PasswordProblem),
    /// Too many failed attempts from this address.
    Throttled {
        retry_after_secs: u64,
    },
}

/// Why a sign-in failed. `BadCredentials` is the same whether or not the account exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    BadCredentials,
    /// Locked after repeated failures (AUT-01/03): wait, or reset the password.
    Locked {
        retry_after_secs: u64,
    },
    /// Too many failures from this address.
    Throttled {
        retry_after_secs: u64,
    },
    /// Disabled after 100 consecutive failures (AUT-01), or by member services.
    Disabled,
    /// Two-step code wrong.
    BadCode,
}

/// A new session.
#[derive(Clone)]
pub struct SignedIn {
    pub token: Secret,
    pub account: AccountRow,
    /// The session only reaches the two-step page until a code is given.
    pub needs_two_step: bool,
    /// A new device token for this browser (kept in a long-lived cookie): later sign-ins of
    /// this account from it are not held up by the per-address throttle.
    pub device: Option<Secret>,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("account", &self.account.id)
            .field("needs_two_step", &self.needs_two_step)
            .finish()
    }
}

/// A live session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub session: SessionRow,
    pub account: AccountRow,
    /// Seconds until the idle expiry ("stay signed in?" shows near the end).
    pub expires_in_secs: i64,
}

/// A two-step set-up in progress: shown once.
#[derive(Debug, Clone)]
pub struct TwoStepSetup {
    pub secret: Secret,
    pub otpauth_uri: String,
}

fn attempt_state(acct: &AccountRow) -> AttemptState {
    AttemptState {
        consecutive_failures: u32::try_from(acct.failed_count).unwrap_or(0),
        locked_until: acct.locked_until.map(ts),
    }
}

fn norm_email(s: &str) -> String {
    s.trim().to_lowercase()
}

fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A US mobile number in E.164 (`+1` and ten digits), from what a person types.
pub fn parse_mobile(s: &str) -> Option<String> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let ten = match digits.len() {
        10 => digits,
        11 if digits.starts_with('1') => digits[1..].to_owned(),
        _ => return None,
    };
    // NANP: area code and exchange do not start with 0 or 1.
    let b = ten.as_bytes();
    if b[0] < b'2' || b[3] < b'2' {
        return None;
    }
    Some(format!("+1{ten}"))
}

fn same_name(a: &str, b: &str) -> bool {
    let n = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    !a.trim().is_empty() && n(a) == n(b)
}

impl Identity {
    /// Register a member: MRN, date of birth and name must match one Patient exactly (SEED-01).
    pub async fn register(
        &self,
        input: &RegisterInput,
        source: Option<&str>,
    ) -> Result<Result<AccountRow, RegisterError>> {
        let now = self.clock.now_micros();
        let mut invalid = Vec::new();
        let email = norm_email(&input.email);
        if !valid_email(&email) {
            invalid.push(("email", "invalid-email"));
        }
        let mobile = parse_mobile(&input.mobile);
        if mobile.is_none() {
            invalid.push(("mobile", "invalid-mobile"));
        }
        let birth = input.birth_date.trim().parse::<Date>().ok();
        if birth.is_none() {
            invalid.push(("birth_date", "invalid-date"));
        }
        for (f, v) in [
            ("mrn", &input.mrn),
            ("given", &input.given),
            ("family", &input.family),
        ] {
            if v.trim().is_empty() {
                invalid.push((f, "required"));
            }
        }
        if !invalid.is_empty() {
            return Ok(Err(RegisterError::Invalid(invalid)));
        }
        let Some(birth) = birth else {
            return Ok(Err(RegisterError::Invalid(vec![(
                "birth_date",
                "invalid-date",
            )])));
        };
        // COPPA (PRX-07): decided on the typed date alone, so it reveals nothing about records.
        if let Err(AccountRefusal::UnderThirteen) = own_account(birth, date_of(now)) {
            return Ok(Err(RegisterError::UnderThirteen));
        }
        let local = email.split('@').next().unwrap_or("");
        let context = [input.given.trim(), input.family.trim(), local, "wellspring"];
        if let Err(p) = check_password(&input.password, false, &context) {
            return Ok(Err(RegisterError::Password(p)));
        }
        // Guessing MRNs and birth dates is throttled per address like sign-in (AUT-01).
        if let Some(src) = source
            && let Some(retry_after_secs) = self.address_throttled(src, now).await?
        {
            return Ok(Err(RegisterError::Throttled { retry_after_secs }));
        }
        // Hash before matching, so every path costs the same time.
        let hash = secrets::hash_password(&input.password).map_err(IdentityError::Internal)?;
        let mut c = self.store.begin().await?;
        let candidates = db::patients_with_identifier(&mut c, input.mrn.trim()).await?;
        let matched = candidates.iter().find_map(|r| {
            let v: serde_json::Value =
                serde_json::from_str(r.content.as_deref().unwrap_or("{}")).ok()?;
            let f = PatientFacts::from_json(&r.id, &v);
            let exact = f.birth == Some(birth)
                && same_name(&input.given, &f.given)
                && same_name(&input.family, &f.family)
                && !f.deceased;
            exact.then_some(f)
        });
        let Some(patient) = matched else {
            if let Some(src) = source {
                db::insert_attempt(&mut c, src, now, false).await?;
            }
            Self::audit(
                &mut c,
                self.event(
                    "anonymous",
                    "register",
                    None,
                    "failure",
                    Some("no matching member record".into()),
                    source,
                ),
            )
            .await?;
            c.commit().await?;
            return Ok(Err(RegisterError::NoMatch));
        };
        if db::account_by_patient(&mut c, &patient.id).await?.is_some() {
            c.rollback().await?;
            return Ok(Err(RegisterError::AlreadyRegistered));
        }
        if db::account_by_email(&mut c, &email).await?.is_some() {
            c.rollback().await?;
            return Ok(Err(RegisterError::EmailInUse));
        }
        let acct = AccountRow {
            id: uuid::Uuid::new_v4().to_string(),
            email: email.clone(),
            mobile,
            display_name: patient.display_name(),
            kind: "member".into(),
            patient_id: Some(patient.id.clone()),
            birth_date: Some(birth.to_string()),
            state: Some(patient.state.clone()).filter(|s| !s.is_empty()),
            password_hash: hash,
            created_at: now,
            ..AccountRow::default()
        };
        db::insert_account(&mut c, &acct).await?;
        // Nothing addressed to this email is claimed until the address is proven.
        self.send_verification(&mut c, &acct, now).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{}", acct.id),
                "register",
                Some(&patient.id),
                "success",
                None,
                source,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok(acct))
    }

    /// Register a caregiver who is not a member (SEED-08, PRX-01: 18 or older).
    #[allow(clippy::too_many_arguments)]
    pub async fn register_caregiver(
        &self,
        name: &str,
        birth_date: &str,
        email: &str,
        mobile: &str,
        password: &str,
        state: &str,
        source: Option<&str>,
    ) -> Result<Result<AccountRow, RegisterError>> {
        let now = self.clock.now_micros();
        let email = norm_email(email);
        let mut invalid = Vec::new();
        if !valid_email(&email) {
            invalid.push(("email", "invalid-email"));
        }
        let mobile = parse_mobile(mobile);
        if mobile.is_none() {
            invalid.push(("mobile", "invalid-mobile"));
        }
        let birth = birth_date.trim().parse::<Date>().ok();
        if birth.is_none() {
            invalid.push(("birth_date", "invalid-date"));
        }
        if name.trim().is_empty() {
            invalid.push(("given", "required"));
        }
        let Some(birth) = birth.filter(|_| invalid.is_empty()) else {
            return Ok(Err(RegisterError::Invalid(invalid)));
        };
        if crate::rules::proxy::caregiver_may_request(birth, state, false, date_of(now)).is_err() {
            return Ok(Err(RegisterError::UnderThirteen));
        }
        let context = [
            name.trim(),
            email.split('@').next().unwrap_or(""),
            "wellspring",
        ];
        if let Err(p) = check_password(password, false, &context) {
            return Ok(Err(RegisterError::Password(p)));
        }
        let hash = secrets::hash_password(password).map_err(IdentityError::Internal)?;
        let mut c = self.store.begin().await?;
        if db::account_by_email(&mut c, &email).await?.is_some() {
            c.rollback().await?;
            return Ok(Err(RegisterError::EmailInUse));
        }
        let acct = AccountRow {
            id: uuid::Uuid::new_v4().to_string(),
            email: email.clone(),
            mobile,
            display_name: name.trim().to_owned(),
            kind: "caregiver".into(),
            birth_date: Some(birth.to_string()),
            state: Some(state.to_owned()).filter(|s| !s.is_empty()),
            password_hash: hash,
            created_at: now,
            ..AccountRow::default()
        };
        db::insert_account(&mut c, &acct).await?;
        self.send_verification(&mut c, &acct, now).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{}", acct.id),
                "register-caregiver",
                None,
                "success",
                None,
                source,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok(acct))
    }

    /// Create a staff account (by an administrator or the command line). Returns a one-time
    /// link token for the first password.
    pub async fn create_staff(
        &self,
        email: &str,
        name: &str,
        role: crate::StaffRole,
        practitioner: Option<&str>,
        by: &str,
    ) -> Result<Result<(AccountRow, Secret), RegisterError>> {
        let now = self.clock.now_micros();
        let email = norm_email(email);
        if !valid_email(&email) {
            return Ok(Err(RegisterError::Invalid(vec![(
                "email",
                "invalid-email",
            )])));
        }
        // An unusable password until the staff member sets one through the link.
        let hash = secrets::hash_password(secrets::random_token().expose())
            .map_err(IdentityError::Internal)?;
        let mut c = self.store.begin().await?;
        if db::account_by_email(&mut c, &email).await?.is_some() {
            c.rollback().await?;
            return Ok(Err(RegisterError::EmailInUse));
        }
        let acct = AccountRow {
            id: uuid::Uuid::new_v4().to_string(),
            email,
            display_name: name.trim().to_owned(),
            kind: "staff".into(),
            staff_role: Some(role.as_str().to_owned()),
            practitioner_id: practitioner.map(str::to_owned),
            password_hash: hash,
            created_at: now,
            ..AccountRow::default()
        };
        db::insert_account(&mut c, &acct).await?;
        let token = secrets::random_token();
        db::insert_one_time_token(
            &mut c,
            &secrets::token_hash(token.expose()),
            &acct.id,
            "reset",
            now,
            now + 7 * 24 * 3600 * SEC,
        )
        .await?;
        Self::audit(
            &mut c,
            self.event(
                by,
                "create-staff",
                None,
                "success",
                Some(format!("{} {}", role.as_str(), acct.id)),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok((acct, token)))
    }

    /// Set a password directly (demo accounts, tests, the command line). Checks the rules.
    pub async fn set_password(
        &self,
        account: &str,
        password: &str,
    ) -> Result<Result<(), PasswordProblem>> {
        let mut c = self.store.begin().await?;
        let Some(acct) = db::account_by_id(&mut c, account).await? else {
            return Err(IdentityError::Internal(format!("no account {account}")));
        };
        let context = [acct.display_name.as_str(), "wellspring"];
        if let Err(p) = check_password(password, acct.totp_secret.is_some(), &context) {
            return Ok(Err(p));
        }
        let hash = secrets::hash_password(password).map_err(IdentityError::Internal)?;
        db::set_password(&mut c, account, &hash, self.clock.now_micros()).await?;
        c.commit().await?;
        Ok(Ok(()))
    }

    /// Sign in with email and password. On success a new session (never a reused one: no
    /// fixation); with two-step on, the session waits for a code.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        source: &str,
    ) -> Result<Result<SignedIn, SignInError>> {
        self.sign_in_from_device(email, password, source, None)
            .await
    }

    /// [`Identity::sign_in`] from a browser that may carry a device token from an earlier
    /// successful sign-in. Rules (AUT-01, AUT-03, issue 12 finding 8):
    /// - The per-address throttle slows guessing across accounts, but a browser that signed in
    ///   to this account before (its device token) is not held up by other people's failures
    ///   behind the same address (a NAT, a clinic's network).
    /// - "Paused" (locked) and "disabled" are told only to whoever gives the right password;
    ///   anyone else gets the same "wrong email or password" as for an unknown address, so the
    ///   answer never confirms that an account exists. Attempts while paused do not count.
    /// - Every path checks one Argon2 hash, so timing does not tell them apart either.
    ///
    /// On success a new device token is returned when the given one was not valid here.
    pub async fn sign_in_from_device(
        &self,
        email: &str,
        password: &str,
        source: &str,
        device: Option<&str>,
    ) -> Result<Result<SignedIn, SignInError>> {
        let now = self.clock.now_micros();
        let email = norm_email(email);
        let acct = {
            let mut r = self.store.reader().await?;
            db::account_by_email(&mut r, &email).await?
        };
        let known_device = match (&acct, device) {
            (Some(a), Some(d)) => {
                let mut r = self.store.reader().await?;
                db::one_time_token_state(&mut r, &secrets::token_hash(d), DEVICE_PURPOSE, now)
                    .await?
                    .is_ok_and(|owner| owner == a.id)
            }
            _ => false,
        };
        // Per-address throttle (AUT-01: slow down guessing across accounts).
        if !known_device && let Some(retry_after_secs) = self.address_throttled(source, now).await?
        {
            return Ok(Err(SignInError::Throttled { retry_after_secs }));
        }
        let Some(acct) = acct else {
            let _ = secrets::verify_password(secrets::dummy_hash(), password);
            let mut c = self.store.begin().await?;
            db::insert_attempt(&mut c, source, now, false).await?;
            Self::audit(
                &mut c,
                self.event(
                    "anonymous",
                    "sign-in",
                    None,
                    "failure",
                    Some("unknown account".into()),
                    Some(source),
                ),
            )
            .await?;
            c.commit().await?;
            return Ok(Err(SignInError::BadCredentials));
        };
        let actor = format!("account:{}", acct.id);
        let state = attempt_state(&acct);
        let ok = secrets::verify_password(&acct.password_hash, password);
        let refused = if acct.disabled {
            Some(("disabled", SignInError::Disabled))
        } else {
            match lockout::on_attempt(&self.cfg.lockout, &state, ts(now)) {
                Gate::Allowed => None,
                Gate::Locked {
                    retry_after_secs, ..
                } => Some(("locked", SignInError::Locked { retry_after_secs })),
                Gate::Disabled => Some(("disabled", SignInError::Disabled)),
            }
        };
        if let Some((why, err)) = refused {
            // Refused before the password counts; the reason only for whoever proved it.
            let mut c = self.store.begin().await?;
            if !ok {
                db::insert_attempt(&mut c, source, now, false).await?;
            }
            Self::audit(
                &mut c,
                self.event(
                    &actor,
                    "sign-in",
                    acct.patient_id.as_deref(),
                    "failure",
                    Some(if ok {
                        format!("{why}; password right")
                    } else {
                        format!("{why}; password wrong")
                    }),
                    Some(source),
                ),
            )
            .await?;
            c.commit().await?;
            return Ok(Err(if ok { err } else { SignInError::BadCredentials }));
        }
        let mut c = self.store.begin().await?;
        db::insert_attempt(&mut c, source, now, ok).await?;
        if !ok {
            let gate = self.record_failure(&mut c, &acct, &state, now).await?;
            let detail = match gate {
                Gate::Locked { .. } => "wrong password; account locked",
                Gate::Disabled => "wrong password; account disabled",
                Gate::Allowed => "wrong password",
            };
            Self::audit(
                &mut c,
                self.event(
                    &actor,
                    "sign-in",
                    acct.patient_id.as_deref(),
                    "failure",
                    Some(detail.into()),
                    Some(source),
                ),
            )
            .await?;
            c.commit().await?;
            // Whether this failure paused the account is told only with the right password.
            return Ok(Err(SignInError::BadCredentials));
        }
        if acct.totp_secret.is_none() && acct.failed_count != 0 {
            db::set_attempt_state(&mut c, &acct.id, 0, None, now).await?;
        }
        let needs_two_step = acct.totp_secret.is_some();
        let token = self
            .new_session(&mut c, &acct.id, needs_two_step, now, Some(source))
            .await?;
        let new_device = if known_device {
            None
        } else {
            let d = secrets::random_token();
            db::insert_one_time_token(
                &mut c,
                &secrets::token_hash(d.expose()),
                &acct.id,
                DEVICE_PURPOSE,
                now,
                now + DEVICE_TTL_SECS * SEC,
            )
            .await?;
            Some(d)
        };
        Self::audit(
            &mut c,
            self.event(
                &actor,
                "sign-in",
                acct.patient_id.as_deref(),
                "success",
                needs_two_step.then(|| "password ok; two-step pending".into()),
                Some(source),
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok(SignedIn {
            token,
            account: acct,
            needs_two_step,
            device: new_device,
        }))
    }

    /// Seconds to wait when this address has failed too often lately (AUT-01: slow down
    /// guessing across accounts, for sign-in and registration alike).
    async fn address_throttled(&self, source: &str, now: i64) -> Result<Option<u64>> {
        let mut r = self.store.reader().await?;
        let since = micros(self.cfg.throttle.window_start(ts(now)));
        let (n, oldest) = db::failed_attempts_since(&mut r, source, since).await?;
        let gate = lockout::address_gate(
            &self.cfg.throttle,
            u32::try_from(n).unwrap_or(u32::MAX),
            oldest.map(ts),
            ts(now),
        );
        Ok(match gate {
            Gate::Locked {
                retry_after_secs, ..
            } => Some(retry_after_secs),
            _ => None,
        })
    }

    /// Count a wrong password or code toward the account's lockout; the gate it leaves.
    async fn record_failure(
        &self,
        c: &mut ws_store::Conn,
        acct: &AccountRow,
        state: &AttemptState,
        now: i64,
    ) -> Result<Gate> {
        let next = lockout::on_failure(&self.cfg.lockout, state, ts(now));
        db::set_attempt_state(
            c,
            &acct.id,
            i64::from(next.consecutive_failures),
            next.locked_until.map(micros),
            now,
        )
        .await?;
        Ok(lockout::on_attempt(&self.cfg.lockout, &next, ts(now)))
    }

    async fn new_session(
        &self,
        c: &mut ws_store::Conn,
        account: &str,
        pending: bool,
        now: i64,
        source: Option<&str>,
    ) -> Result<Secret> {
        let token = secrets::random_token();
        let idle = if pending {
            5 * 60
        } else {
            self.cfg.session_idle_secs
        };
        db::insert_session(
            c,
            &SessionRow {
                token_hash: secrets::token_hash(token.expose()),
                account_id: account.to_owned(),
                created_at: now,
                expires_at: now + idle * SEC,
                absolute_end: now + self.cfg.session_absolute_secs * SEC,
                pending_two_step: pending,
                acting_for: None,
                revoked: false,
            },
            source,
        )
        .await?;
        Ok(token)
    }

    /// Finish a two-step sign-in with a TOTP code or a recovery code. Wrong codes count toward
    /// the lockout like wrong passwords. Replaces the pending session with a full one.
    pub async fn verify_two_step(
        &self,
        session_token: &str,
        code: &str,
        source: &str,
    ) -> Result<Result<SignedIn, SignInError>> {
        let now = self.clock.now_micros();
        let hash = secrets::token_hash(session_token);
        let mut c = self.store.begin().await?;
        let Some(s) = db::session_by_hash(&mut c, &hash).await? else {
            return Ok(Err(SignInError::BadCredentials));
        };
        if s.revoked || s.expires_at <= now || !s.pending_two_step {
            return Ok(Err(SignInError::BadCredentials));
        }
        let Some(acct) = db::account_by_id(&mut c, &s.account_id).await? else {
            return Ok(Err(SignInError::BadCredentials));
        };
        let actor = format!("account:{}", acct.id);
        let state = attempt_state(&acct);
        if let Gate::Locked {
            retry_after_secs, ..
        } = lockout::on_attempt(&self.cfg.lockout, &state, ts(now))
        {
            return Ok(Err(SignInError::Locked { retry_after_secs }));
        }
        let unix = u64::try_from(now / SEC).unwrap_or(0);
        let totp_ok = acct
            .totp_secret
            .as_deref()
            .is_some_and(|sec| secrets::totp_ok(sec, code, unix));
        let ok = totp_ok
            || db::use_recovery_code(
                &mut c,
                &acct.id,
                &secrets::token_hash(&secrets::normalize_recovery(code)),
                now,
            )
            .await?;
        if !ok {
            let gate = self.record_failure(&mut c, &acct, &state, now).await?;
            Self::audit(
                &mut c,
                self.event(
                    &actor,
                    "two-step",
                    acct.patient_id.as_deref(),
                    "failure",
                    None,
                    Some(source),
                ),
            )
            .await?;
            c.commit().await?;
            return Ok(Err(match gate {
                Gate::Locked {
                    retry_after_secs, ..
                } => SignInError::Locked { retry_after_secs },
                Gate::Disabled => SignInError::Disabled,
                Gate::Allowed => SignInError::BadCode,
            }));
        }
        db::set_attempt_state(&mut c, &acct.id, 0, None, now).await?;
        db::revoke_session(&mut c, &hash).await?;
        let token = self
            .new_session(&mut c, &acct.id, false, now, Some(source))
            .await?;
        Self::audit(
            &mut c,
            self.event(
                &actor,
                "two-step",
                acct.patient_id.as_deref(),
                "success",
                (!totp_ok).then(|| "recovery code used".into()),
                Some(source),
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok(SignedIn {
            token,
            account: acct,
            needs_two_step: false,
            device: None,
        }))
    }

    /// The live session behind a cookie, its idle expiry pushed forward (at most once a minute,
    /// to spare the database a write per page).
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>> {
        let now = self.clock.now_micros();
        let hash = secrets::token_hash(token);
        let (s, acct) = {
            let mut r = self.store.reader().await?;
            let Some(s) = db::session_by_hash(&mut r, &hash).await? else {
                return Ok(None);
            };
            let acct = db::account_by_id(&mut r, &s.account_id).await?;
            (s, acct)
        };
        let Some(acct) = acct else { return Ok(None) };
        if s.revoked || s.expires_at <= now || s.absolute_end <= now || acct.disabled {
            return Ok(None);
        }
        let idle = if s.pending_two_step {
            5 * 60
        } else {
            self.cfg.session_idle_secs
        };
        let last_touch = s.expires_at - idle * SEC;
        let mut s = s;
        if now - last_touch > 60 * SEC {
            let expires = (now + idle * SEC).min(s.absolute_end);
            let mut c = self.store.begin().await?;
            db::touch_session(&mut c, &hash, now, expires).await?;
            c.commit().await?;
            s.expires_at = expires;
        }
        Ok(Some(SessionInfo {
            expires_in_secs: (s.expires_at - now) / SEC,
            session: s,
            account: acct,
        }))
    }

    /// Choose whose record the portal shows (the person switcher). Only a patient the account
    /// may reach today is accepted.
    pub async fn act_as(&self, token: &str, patient: &str) -> Result<bool> {
        let Some(info) = self.session(token).await? else {
            return Ok(false);
        };
        let principal = self
            .principal_for(&info.account, self.clock.now_micros())
            .await?;
        let allowed = matches!(&principal, crate::Principal::Person { grants, .. } if grants.iter().any(|g| g.patient == patient));
        if !allowed {
            return Ok(false);
        }
        let mut c = self.store.begin().await?;
        db::set_session_acting_for(&mut c, &secrets::token_hash(token), Some(patient)).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{}", info.account.id),
                "act-as",
                Some(patient),
                "success",
                None,
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(true)
    }

    pub async fn sign_out(&self, token: &str) -> Result<()> {
        let mut c = self.store.begin().await?;
        let hash = secrets::token_hash(token);
        if let Some(s) = db::session_by_hash(&mut c, &hash).await? {
            db::revoke_session(&mut c, &hash).await?;
            Self::audit(
                &mut c,
                self.event(
                    &format!("account:{}", s.account_id),
                    "sign-out",
                    None,
                    "success",
                    None,
                    None,
                ),
            )
            .await?;
        }
        c.commit().await?;
        Ok(())
    }

    /// Sign out everywhere: every session of the account ends.
    pub async fn sign_out_everywhere(&self, account: &str) -> Result<u64> {
        let mut c = self.store.begin().await?;
        let n = db::revoke_account_sessions(&mut c, account).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{account}"),
                "sign-out-everywhere",
                None,
                "success",
                Some(format!("{n} sessions")),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(n)
    }

    /// Send a single-use, short-lived reset link by email (and a note by SMS). The answer is
    /// the same whether or not the address belongs to an account.
    pub async fn request_reset(&self, email_or_mobile: &str, source: Option<&str>) -> Result<()> {
        let now = self.clock.now_micros();
        // Throttled per address (every request counts toward the address's window, as a failed
        // sign-in does) and per account (at most RESETS_PER_HOUR links an hour), so nobody can
        // flood a member's inbox or phone. The answer is the same either way.
        if let Some(src) = source {
            let throttled = self.address_throttled(src, now).await?.is_some();
            let mut c = self.store.begin().await?;
            db::insert_attempt(&mut c, src, now, false).await?;
            c.commit().await?;
            if throttled {
                return Ok(());
            }
        }
        let mut c = self.store.begin().await?;
        let key = email_or_mobile.trim();
        let acct = if key.contains('@') {
            db::account_by_email(&mut c, &norm_email(key)).await?
        } else {
            None
        };
        if let Some(a) = &acct
            && db::count_one_time_tokens_since(&mut c, &a.id, "reset", now - 3600 * SEC).await?
                >= RESETS_PER_HOUR
        {
            Self::audit(
                &mut c,
                self.event(
                    "anonymous",
                    "password-reset-request",
                    a.patient_id.as_deref(),
                    "failure",
                    Some("too many reset links this hour; none sent".into()),
                    source,
                ),
            )
            .await?;
            c.commit().await?;
            return Ok(());
        }
        let Some(acct) = acct else {
            Self::audit(
                &mut c,
                self.event(
                    "anonymous",
                    "password-reset-request",
                    None,
                    "failure",
                    Some("unknown address".into()),
                    source,
                ),
            )
            .await?;
            c.commit().await?;
            return Ok(());
        };
        let token = secrets::random_token();
        db::insert_one_time_token(
            &mut c,
            &secrets::token_hash(token.expose()),
            &acct.id,
            "reset",
            now,
            now + self.cfg.reset_ttl_secs * SEC,
        )
        .await?;
        let link = format!(
            "{}/password/reset?token={}",
            self.cfg.base_url.trim_end_matches('/'),
            token.expose()
        );
        let minutes = (self.cfg.reset_ttl_secs / 60).to_string();
        let lang = self.lang_for(&mut c, acct.patient_id.as_deref()).await?;
        let mail = messages::email(
            lang,
            "reset",
            &[
                ("name", &acct.display_name),
                ("minutes", &minutes),
                ("link", &link),
            ],
        );
        db::enqueue(&mut c, "email", &acct.email, &mail.subject, &mail.body, now).await?;
        if let Some(m) = &acct.mobile {
            let text = messages::text(lang, "reset-sent", &[]);
            db::enqueue(&mut c, "sms", m, "", &text, now).await?;
        }
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{}", acct.id),
                "password-reset-request",
                acct.patient_id.as_deref(),
                "success",
                None,
                source,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(())
    }

    /// Check a reset token without using it (to show the form or an "expired" page).
    pub async fn reset_token_state(&self, token: &str) -> Result<Result<(), TokenProblem>> {
        let mut c = self.store.reader().await?;
        let r = db::one_time_token_state(
            &mut c,
            &secrets::token_hash(token),
            "reset",
            self.clock.now_micros(),
        )
        .await?;
        Ok(r.map(|_| ()))
    }

    /// Send a one-time link that proves the account owns its email address.
    async fn send_verification(
        &self,
        c: &mut ws_store::Conn,
        acct: &AccountRow,
        now: i64,
    ) -> Result<()> {
        let token = secrets::random_token();
        db::insert_one_time_token(
            c,
            &secrets::token_hash(token.expose()),
            &acct.id,
            VERIFY_PURPOSE,
            now,
            now + VERIFY_TTL_SECS * SEC,
        )
        .await?;
        let link = format!(
            "{}/verify-email?token={}",
            self.cfg.base_url.trim_end_matches('/'),
            token.expose()
        );
        let lang = self.lang_for(c, acct.patient_id.as_deref()).await?;
        let mail = messages::email(
            lang,
            "verify",
            &[("name", &acct.display_name), ("link", &link)],
        );
        db::enqueue(c, "email", &acct.email, &mail.subject, &mail.body, now).await?;
        Ok(())
    }

    /// The account proved its address: mark it and attach the invitations made to it that have
    /// not expired.
    async fn email_proven(c: &mut ws_store::Conn, acct: &AccountRow, now: i64) -> Result<()> {
        db::set_email_verified(c, &acct.id, now).await?;
        db::claim_invitations(c, &acct.email, &acct.id, now - INVITE_TTL_SECS * SEC).await?;
        Ok(())
    }

    /// Use an email-verification link: the address is proven and pending invitations to it
    /// are attached. Returns the account, or why the link does not work.
    pub async fn verify_email(
        &self,
        token: &str,
        source: Option<&str>,
    ) -> Result<Result<AccountRow, TokenProblem>> {
        let now = self.clock.now_micros();
        let mut c = self.store.begin().await?;
        let account =
            match db::take_one_time_token(&mut c, &secrets::token_hash(token), VERIFY_PURPOSE, now)
                .await?
            {
                Ok(a) => a,
                Err(p) => {
                    c.rollback().await?;
                    return Ok(Err(p));
                }
            };
        let Some(acct) = db::account_by_id(&mut c, &account).await? else {
            c.rollback().await?;
            return Ok(Err(TokenProblem::Unknown));
        };
        Self::email_proven(&mut c, &acct, now).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{}", acct.id),
                "verify-email",
                acct.patient_id.as_deref(),
                "success",
                None,
                source,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok(acct))
    }

    /// Has this account proven its email address?
    pub async fn email_verified(&self, account: &str) -> Result<bool> {
        let mut c = self.store.reader().await?;
        Ok(db::email_verified(&mut c, account).await?)
    }

    /// Use a reset token: set the new password, unlock the account, end every session.
    pub async fn reset_password(
        &self,
        token: &str,
        password: &str,
        source: Option<&str>,
    ) -> Result<Result<AccountRow, ResetError>> {
        let now = self.clock.now_micros();
        let mut c = self.store.begin().await?;
        let account =
            match db::take_one_time_token(&mut c, &secrets::token_hash(token), "reset", now).await?
            {
                Ok(a) => a,
                Err(p) => {
                    c.rollback().await?;
                    return Ok(Err(ResetError::Token(p)));
                }
            };
        let Some(acct) = db::account_by_id(&mut c, &account).await? else {
            c.rollback().await?;
            return Ok(Err(ResetError::Token(TokenProblem::Unknown)));
        };
        let local = acct.email.split('@').next().unwrap_or("");
        let context = [acct.display_name.as_str(), local, "wellspring"];
        if let Err(p) = check_password(password, acct.totp_secret.is_some(), &context) {
            c.rollback().await?;
            return Ok(Err(ResetError::Password(p)));
        }
        let hash = secrets::hash_password(password).map_err(IdentityError::Internal)?;
        db::set_password(&mut c, &acct.id, &hash, now).await?;
        db::revoke_account_sessions(&mut c, &acct.id).await?;
        // The link reached this address: the account owns it.
        Self::email_proven(&mut c, &acct, now).await?;
        let lang = self.lang_for(&mut c, acct.patient_id.as_deref()).await?;
        let mail = messages::email(lang, "password-reset", &[]);
        db::enqueue(&mut c, "email", &acct.email, &mail.subject, &mail.body, now).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{}", acct.id),
                "password-reset",
                acct.patient_id.as_deref(),
                "success",
                Some("account unlocked; sessions ended".into()),
                source,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok(acct))
    }

    /// Change the password while signed in. Every other session of the account ends (a thief
    /// who had the old password is signed out) and the member gets a notice; `keep_session` is
    /// the hash of the session that made the change (it stays signed in).
    pub async fn change_password(
        &self,
        account: &str,
        current: &str,
        new: &str,
        keep_session: &str,
    ) -> Result<Result<(), ResetError>> {
        let Some(acct) = self.account(account).await? else {
            return Ok(Err(ResetError::Token(TokenProblem::Unknown)));
        };
        if !secrets::verify_password(&acct.password_hash, current) {
            return Ok(Err(ResetError::WrongCurrent));
        }
        match self.set_password(account, new).await? {
            Ok(()) => {
                let now = self.clock.now_micros();
                let mut c = self.store.begin().await?;
                db::revoke_other_sessions(&mut c, account, keep_session).await?;
                let lang = self.lang_for(&mut c, acct.patient_id.as_deref()).await?;
                let mail = messages::email(lang, "password-changed", &[]);
                db::enqueue(&mut c, "email", &acct.email, &mail.subject, &mail.body, now).await?;
                c.commit().await?;
                Ok(Ok(()))
            }
            Err(p) => Ok(Err(ResetError::Password(p))),
        }
    }

    /// Start two-step set-up: a new secret, shown once; nothing changes until confirmed.
    pub fn begin_two_step(&self, acct: &AccountRow) -> TwoStepSetup {
        let secret = secrets::new_totp_secret();
        TwoStepSetup {
            otpauth_uri: secrets::otpauth_uri(secret.expose(), &acct.email),
            secret,
        }
    }

    /// Confirm two-step set-up with a code from the authenticator; returns the recovery codes
    /// (shown once).
    pub async fn confirm_two_step(
        &self,
        account: &str,
        secret: &str,
        code: &str,
    ) -> Result<Option<Vec<Secret>>> {
        let now = self.clock.now_micros();
        if !secrets::totp_ok(secret, code, u64::try_from(now / SEC).unwrap_or(0)) {
            return Ok(None);
        }
        let codes = secrets::recovery_codes();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| secrets::token_hash(&secrets::normalize_recovery(c.expose())))
            .collect();
        let mut c = self.store.begin().await?;
        db::set_totp(&mut c, account, Some(secret), now).await?;
        db::replace_recovery_codes(&mut c, account, &hashes).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{account}"),
                "two-step-on",
                None,
                "success",
                None,
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Some(codes))
    }

    /// Turn two-step off (needs the current password).
    pub async fn disable_two_step(&self, account: &str, password: &str) -> Result<bool> {
        let Some(acct) = self.account(account).await? else {
            return Ok(false);
        };
        if !secrets::verify_password(&acct.password_hash, password) {
            return Ok(false);
        }
        let mut c = self.store.begin().await?;
        db::set_totp(&mut c, account, None, self.clock.now_micros()).await?;
        db::replace_recovery_codes(&mut c, account, &[]).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{account}"),
                "two-step-off",
                None,
                "success",
                None,
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(true)
    }
}

/// Why a password reset or change failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetError {
    Token(TokenProblem),
    Password(PasswordProblem),
    WrongCurrent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_normalise_to_e164() {
        assert_eq!(
            parse_mobile("(415) 555-0134").as_deref(),
            Some("+14155550134")
        );
        assert_eq!(
            parse_mobile("+1 415 555 0134").as_deref(),
            Some("+14155550134")
        );
        assert_eq!(parse_mobile("415-555-013"), None);
        assert_eq!(parse_mobile("015-555-0134"), None);
    }

    #[test]
    fn email_shape() {
        assert!(valid_email("a.b@example.org"));
        assert!(!valid_email("a.b@example"));
        assert!(!valid_email("a b@example.org"));
        assert!(!valid_email("@example.org"));
    }

    #[test]
    fn names_compare_case_and_space_insensitively() {
        assert!(same_name("Ana  María", "ana maría"));
        assert!(!same_name("Ana", "Anna"));
        assert!(!same_name(" ", ""));
    }

    /// The service takes time from its injected clock: a reset link made at a fixed instant
    /// works until the clock passes its TTL, and every record is stamped with the clock's time.
    #[tokio::test]
    #[allow(clippy::unwrap_used)]
    async fn reset_link_expires_when_the_injected_clock_passes_its_ttl() {
        use crate::service::{FileSink, IdentityConfig, deliver_pending};
        use jiff::SignedDuration;
        use ws_store::{Clock, Store};

        let dir = std::env::temp_dir().join(format!(
            "wellspring-identity-clock-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let store = Store::connect(&format!("sqlite://{}", dir.join("t.db").display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let start: jiff::Timestamp = "2026-03-01T09:00:00Z".parse().unwrap();
        let clock = Clock::fixed(start);
        let id = Identity::new(store.clone(), IdentityConfig::default()).with_clock(clock.clone());

        let (acct, _) = id
            .create_staff(
                "ms@example.org",
                "Sam Staff",
                crate::StaffRole::MemberServices,
                None,
                "system:test",
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(acct.created_at, start.as_microsecond());
        id.request_reset("ms@example.org", None).await.unwrap();
        let sent = deliver_pending(
            &id,
            &FileSink {
                dir: dir.join("outbox"),
            },
        )
        .await
        .unwrap();
        let mail = sent
            .iter()
            .find(|m| m.subject == "Reset your Wellspring password")
            .unwrap();
        let token = mail.body.split("token=").nth(1).unwrap();
        let token = token.split_whitespace().next().unwrap();

        assert_eq!(id.reset_token_state(token).await.unwrap(), Ok(()));
        let ttl = id.cfg.reset_ttl_secs;
        clock.advance(SignedDuration::from_secs(ttl - 1));
        assert_eq!(id.reset_token_state(token).await.unwrap(), Ok(()));
        clock.advance(SignedDuration::from_secs(2));
        assert_eq!(
            id.reset_token_state(token).await.unwrap(),
            Err(TokenProblem::Expired)
        );

        // Both audit events (create-staff, password-reset-request) carry the fixed time.
        let mut c = store.reader().await.unwrap();
        let audit = c.list_audit(None, 0, 100).await.unwrap();
        drop(c);
        assert_eq!(audit.len(), 2, "{audit:?}");
        assert!(
            audit
                .iter()
                .all(|(_, r)| r.recorded_at == start.as_microsecond()),
            "{audit:?}"
        );
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
