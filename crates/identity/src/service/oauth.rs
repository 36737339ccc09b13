//! The OAuth 2.0 authorization server for SMART on FHIR apps: client registration by an
//! administrator, authorization code with PKCE (S256 only), refresh tokens with rotation,
//! client credentials for back-end integrations, introspection (RFC 7662) and revocation
//! (RFC 7009). Tokens are opaque random strings; only their hashes are stored, and every use
//! re-evaluates what the granting person may reach today.

use ws_store::identity::{self as db, ClientRow, OAuthGrantRow};

use super::{Identity, Result, SEC};
use crate::caller::{Caller, Grant, Principal};
use crate::secrets::{self, Secret};

/// The scopes this server knows.
pub const SUPPORTED_SCOPES: &[&str] = &[
    "openid",
    "fhirUser",
    "launch/patient",
    "offline_access",
    "patient/*.read",
    "patient/*.rs",
    "user/*.read",
    "user/*.rs",
    "system/*.read",
    "system/*.*",
];

/// A resource-type scope like `patient/Observation.read` or `user/Condition.rs`.
fn scope_known(s: &str) -> bool {
    if SUPPORTED_SCOPES.contains(&s) {
        return true;
    }
    let Some((ctx, rest)) = s.split_once('/') else {
        return false;
    };
    let Some((ty, perm)) = rest.split_once('.') else {
        return false;
    };
    matches!(ctx, "patient" | "user")
        && !ty.is_empty()
        && ty.chars().all(|c| c.is_ascii_alphanumeric())
        && (matches!(perm, "read" | "rs" | "r" | "s")
            || crate::rules::policy::is_operation_scope(ty, perm))
}

/// Errors of the authorization server, with the RFC 6749 error code and a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub code: &'static str,
    pub description: String,
    /// Whether the error may be sent back to the client's redirect URI (the client and its
    /// redirect URI were valid); otherwise it is shown to the user.
    pub redirectable: bool,
}

fn err(code: &'static str, description: impl Into<String>, redirectable: bool) -> OAuthError {
    OAuthError {
        code,
        description: description.into(),
        redirectable,
    }
}

/// A checked authorization request, ready for the consent page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    pub client_id: String,
    pub client_name: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: String,
    pub code_challenge: String,
}

impl AuthRequest {
    /// `patient/` scopes (or `launch/patient`) need one chosen patient.
    pub fn needs_patient(&self) -> bool {
        self.scopes
            .iter()
            .any(|s| s.starts_with("patient/") || s == "launch/patient")
    }
}

/// The token endpoint's answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// OpenID Connect identity token (when `openid` was granted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// RFC 7662 introspection answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Introspection {
    pub active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
}

impl Introspection {
    fn inactive() -> Introspection {
        Introspection {
            active: false,
            scope: None,
            client_id: None,
            sub: None,
            patient: None,
            exp: None,
            token_type: None,
        }
    }
}

impl Identity {
    /// Register an app (administrators only; the caller checks the role). Returns the client
    /// id and, for confidential clients, the secret (shown once).
    pub async fn register_client(
        &self,
        name: &str,
        redirect_uris: &[String],
        scopes: &[String],
        confidential: bool,
        integration: bool,
        by: &str,
    ) -> Result<std::result::Result<(String, Option<Secret>), String>> {
        if name.trim().is_empty() {
            return Ok(Err("the app needs a name".into()));
        }
        for s in scopes {
            if !scope_known(s) {
                return Ok(Err(format!("unknown scope {s:?}")));
            }
        }
        if !integration && redirect_uris.is_empty() {
            return Ok(Err("an app needs at least one redirect URI".into()));
        }
        for u in redirect_uris {
            if !crate::rules::redirect::redirect_uri_ok(u) {
                return Ok(Err(format!(
                    "redirect URI {u:?} must be https (or http on the loopback address) and have no fragment"
                )));
            }
        }
        let client_id = uuid::Uuid::new_v4().simple().to_string();
        let secret = (confidential || integration).then(secrets::random_token);
        let row = ClientRow {
            client_id: client_id.clone(),
            name: name.trim().to_owned(),
            redirect_uris: serde_json::to_string(redirect_uris).unwrap_or_else(|_| "[]".into()),
            scopes: scopes.join(" "),
            secret_hash: secret.as_ref().map(|s| secrets::token_hash(s.expose())),
            integration,
            created_by: by.to_owned(),
            created_at: self.clock.now_micros(),
            disabled: false,
        };
        let mut c = self.store.begin().await?;
        db::insert_client(&mut c, &row).await?;
        Self::audit(
            &mut c,
            self.event(
                by,
                "register-app",
                None,
                "success",
                Some(format!("{} {}", row.client_id, row.name)),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok((client_id, secret)))
    }

    pub async fn client(&self, client_id: &str) -> Result<Option<ClientRow>> {
        let mut c = self.store.reader().await?;
        Ok(db::client_by_id(&mut c, client_id).await?)
    }

    /// Check an authorization request (RFC 6749 §4.1.1, RFC 7636, SMART App Launch).
    #[allow(clippy::too_many_arguments)]
    pub async fn check_authorize(
        &self,
        response_type: &str,
        client_id: &str,
        redirect_uri: &str,
        scope: &str,
        state: &str,
        code_challenge: &str,
        code_challenge_method: &str,
        aud: &str,
    ) -> Result<std::result::Result<AuthRequest, OAuthError>> {
        let Some(client) = self
            .client(client_id)
            .await?
            .filter(|c| !c.disabled && !c.integration)
        else {
            return Ok(Err(err("invalid_request", "unknown client_id", false)));
        };
        let uris: Vec<String> = serde_json::from_str(&client.redirect_uris).unwrap_or_default();
        if !uris.iter().any(|u| u == redirect_uri) {
            // Never redirect to an unregistered address (open-redirect protection).
            return Ok(Err(err(
                "invalid_request",
                "redirect_uri is not registered for this app",
                false,
            )));
        }
        if response_type != "code" {
            return Ok(Err(err(
                "unsupported_response_type",
                "only response_type=code is supported",
                true,
            )));
        }
        if state.is_empty() || state.len() > 512 {
            return Ok(Err(err("invalid_request", "state is required", true)));
        }
        if code_challenge_method != "S256" || code_challenge.len() != 43 {
            return Ok(Err(err(
                "invalid_request",
                "PKCE with code_challenge_method=S256 is required",
                true,
            )));
        }
        let aud = aud.trim_end_matches('/');
        if aud != self.cfg.fhir_base.trim_end_matches('/') {
            return Ok(Err(err(
                "invalid_request",
                format!("aud must be {}", self.cfg.fhir_base),
                true,
            )));
        }
        let allowed: Vec<&str> = client.scopes.split_whitespace().collect();
        let mut scopes = Vec::new();
        for s in scope.split_whitespace() {
            if !scope_known(s) || s.starts_with("system/") {
                return Ok(Err(err(
                    "invalid_scope",
                    format!("scope {s:?} is not supported"),
                    true,
                )));
            }
            if !allowed.contains(&s) {
                return Ok(Err(err(
                    "invalid_scope",
                    format!("this app is not registered for scope {s:?}"),
                    true,
                )));
            }
            if !scopes.iter().any(|x| x == s) {
                scopes.push(s.to_owned());
            }
        }
        if scopes.is_empty() {
            return Ok(Err(err("invalid_scope", "no scope requested", true)));
        }
        Ok(Ok(AuthRequest {
            client_id: client.client_id,
            client_name: client.name,
            redirect_uri: redirect_uri.to_owned(),
            scopes,
            state: state.to_owned(),
            code_challenge: code_challenge.to_owned(),
        }))
    }

    /// The member allowed the app: record the grant (the "connected apps" list) and issue a
    /// one-minute, single-use code. `patient` must be one the account may reach.
    pub async fn approve(
        &self,
        account: &str,
        req: &AuthRequest,
        patient: Option<&str>,
    ) -> Result<std::result::Result<String, OAuthError>> {
        let now = self.clock.now_micros();
        let Some(acct) = self.account(account).await? else {
            return Ok(Err(err("access_denied", "no such account", true)));
        };
        let principal = self.principal_for(&acct, now).await?;
        let Principal::Person { grants, .. } = principal else {
            return Ok(Err(err(
                "access_denied",
                "only members and caregivers can connect apps",
                true,
            )));
        };
        let patient = match patient {
            Some(p) if grants.iter().any(|g| g.patient == p) => Some(p.to_owned()),
            Some(_) => {
                return Ok(Err(err(
                    "access_denied",
                    "that record is not one you may share",
                    true,
                )));
            }
            None if req.needs_patient() => match grants.as_slice() {
                [only] => Some(only.patient.clone()),
                _ => {
                    return Ok(Err(err(
                        "access_denied",
                        "choose whose record to share",
                        true,
                    )));
                }
            },
            None => None,
        };
        let grant = OAuthGrantRow {
            id: uuid::Uuid::new_v4().to_string(),
            client_id: req.client_id.clone(),
            account_id: Some(acct.id.clone()),
            scope: req.scopes.join(" "),
            patient: patient.clone(),
            created_at: now,
            revoked_at: None,
        };
        let code = secrets::random_token();
        let mut c = self.store.begin().await?;
        db::insert_oauth_grant(&mut c, &grant).await?;
        db::insert_code(
            &mut c,
            &secrets::token_hash(code.expose()),
            &grant.id,
            &req.redirect_uri,
            &req.code_challenge,
            now + self.cfg.code_ttl_secs * SEC,
        )
        .await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{}", acct.id),
                "app-authorize",
                patient.as_deref(),
                "success",
                Some(format!("{} [{}]", req.client_id, grant.scope)),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        let sep = if req.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok(Ok(format!(
            "{}{sep}code={}&state={}",
            req.redirect_uri,
            code.expose(),
            pct(&req.state)
        )))
    }

    /// Where to send the browser when the member denies: `error=access_denied`.
    pub fn deny_redirect(req: &AuthRequest) -> String {
        let sep = if req.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{sep}error=access_denied&state={}",
            req.redirect_uri,
            pct(&req.state)
        )
    }

    async fn client_auth(
        &self,
        client_id: &str,
        secret: Option<&str>,
    ) -> Result<std::result::Result<ClientRow, OAuthError>> {
        let Some(client) = self.client(client_id).await?.filter(|c| !c.disabled) else {
            return Ok(Err(err("invalid_client", "unknown client", false)));
        };
        if let Some(h) = &client.secret_hash {
            let ok = secret.is_some_and(|s| secrets::same(&secrets::token_hash(s), h));
            if !ok {
                return Ok(Err(err(
                    "invalid_client",
                    "client authentication failed",
                    false,
                )));
            }
        }
        Ok(Ok(client))
    }

    async fn issue(
        &self,
        c: &mut ws_store::Conn,
        grant: &OAuthGrantRow,
        with_refresh: bool,
    ) -> Result<TokenResponse> {
        let now = self.clock.now_micros();
        let access = secrets::random_token();
        db::insert_token(
            c,
            &secrets::token_hash(access.expose()),
            &grant.id,
            "access",
            now,
            now + self.cfg.access_ttl_secs * SEC,
        )
        .await?;
        let refresh = if with_refresh {
            let r = secrets::random_token();
            db::insert_token(
                c,
                &secrets::token_hash(r.expose()),
                &grant.id,
                "refresh",
                now,
                now + self.cfg.refresh_ttl_secs * SEC,
            )
            .await?;
            Some(r.0)
        } else {
            None
        };
        Ok(TokenResponse {
            access_token: access.0,
            token_type: "Bearer",
            expires_in: self.cfg.access_ttl_secs,
            scope: grant.scope.clone(),
            patient: grant.patient.clone(),
            refresh_token: refresh,
            id_token: None,
        })
    }

    /// `grant_type=authorization_code`: redeem a code once, with the PKCE verifier. A replayed
    /// code revokes everything issued from it (RFC 6749 §4.1.2).
    pub async fn exchange_code(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> Result<std::result::Result<TokenResponse, OAuthError>> {
        let now = self.clock.now_micros();
        if let Err(e) = self.client_auth(client_id, client_secret).await? {
            return Ok(Err(e));
        }
        let mut c = self.store.begin().await?;
        let Some(row) = db::take_code(&mut c, &secrets::token_hash(code), now).await? else {
            c.rollback().await?;
            return Ok(Err(err(
                "invalid_grant",
                "unknown authorization code",
                false,
            )));
        };
        let Some(grant) = db::oauth_grant_by_id(&mut c, &row.grant_id).await? else {
            c.rollback().await?;
            return Ok(Err(err(
                "invalid_grant",
                "unknown authorization code",
                false,
            )));
        };
        if row.reused {
            db::revoke_oauth_grant(&mut c, &grant.id, now).await?;
            Self::audit(
                &mut c,
                self.event(
                    &format!("app:{client_id}"),
                    "token",
                    grant.patient.as_deref(),
                    "failure",
                    Some("authorization code replayed; grant revoked".into()),
                    None,
                ),
            )
            .await?;
            c.commit().await?;
            return Ok(Err(err(
                "invalid_grant",
                "authorization code already used",
                false,
            )));
        }
        let problem = if grant.client_id != client_id {
            Some("code was issued to another client")
        } else if row.expires_at <= now {
            Some("authorization code expired")
        } else if row.redirect_uri != redirect_uri {
            Some("redirect_uri does not match the authorization request")
        } else if !secrets::same(&secrets::s256(verifier), &row.code_challenge) {
            Some("PKCE code_verifier does not match")
        } else if grant.revoked_at.is_some() {
            Some("the member disconnected this app")
        } else {
            None
        };
        if let Some(p) = problem {
            c.commit().await?;
            return Ok(Err(err("invalid_grant", p, false)));
        }
        let offline = grant
            .scope
            .split_whitespace()
            .any(|s| s == "offline_access");
        let mut resp = self.issue(&mut c, &grant, offline).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("app:{client_id}"),
                "token",
                grant.patient.as_deref(),
                "success",
                Some(format!("[{}]", grant.scope)),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        // OpenID Connect: who signed in, for the app (and, with fhirUser, their FHIR resource).
        if grant.scope.split_whitespace().any(|s| s == "openid")
            && let Some(a) = grant.account_id.as_deref()
            && let Some(acct) = self.account(a).await?
        {
            let fhir_user = grant.scope.split_whitespace().any(|s| s == "fhirUser");
            resp.id_token = Some(self.id_token(&acct, client_id, fhir_user).await?);
        }
        Ok(Ok(resp))
    }

    /// `grant_type=refresh_token`: a new access token and a new refresh token; the old refresh
    /// token stops working (rotation).
    pub async fn refresh(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        refresh_token: &str,
    ) -> Result<std::result::Result<TokenResponse, OAuthError>> {
        let now = self.clock.now_micros();
        if let Err(e) = self.client_auth(client_id, client_secret).await? {
            return Ok(Err(e));
        }
        let hash = secrets::token_hash(refresh_token);
        let mut c = self.store.begin().await?;
        let tok = db::token_by_hash(&mut c, &hash).await?;
        // A refresh token that was already rotated is being replayed: either the app or a thief
        // holds a copy. Revoke the whole grant, so the successor stops working too (RFC 9700
        // §4.14.2: refresh token reuse detection).
        if let Some(t) = tok.as_ref().filter(|t| t.kind == "refresh" && t.revoked)
            && let Some(g) = db::oauth_grant_by_id(&mut c, &t.grant_id).await?
            && g.client_id == client_id
        {
            db::revoke_oauth_grant(&mut c, &g.id, now).await?;
            Self::audit(
                &mut c,
                self.event(
                    &format!("app:{client_id}"),
                    "token",
                    g.patient.as_deref(),
                    "failure",
                    Some("rotated refresh token replayed; grant revoked".into()),
                    None,
                ),
            )
            .await?;
            c.commit().await?;
            return Ok(Err(err(
                "invalid_grant",
                "refresh token is not valid",
                false,
            )));
        }
        let grant = match &tok {
            Some(t) if t.kind == "refresh" && !t.revoked && t.expires_at > now => {
                db::oauth_grant_by_id(&mut c, &t.grant_id).await?
            }
            _ => None,
        };
        let Some(grant) = grant.filter(|g| g.client_id == client_id && g.revoked_at.is_none())
        else {
            c.rollback().await?;
            return Ok(Err(err(
                "invalid_grant",
                "refresh token is not valid",
                false,
            )));
        };
        if !db::revoke_token(&mut c, &hash, now).await? {
            // Rotated by a concurrent request with the same token between our read and now.
            c.rollback().await?;
            return Ok(Err(err(
                "invalid_grant",
                "refresh token is not valid",
                false,
            )));
        }
        let resp = self.issue(&mut c, &grant, true).await?;
        c.commit().await?;
        Ok(Ok(resp))
    }

    /// `grant_type=client_credentials` for administrator-registered back-end integrations.
    pub async fn client_credentials(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
    ) -> Result<std::result::Result<TokenResponse, OAuthError>> {
        let client = match self.client_auth(client_id, client_secret).await? {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        if !client.integration || client.secret_hash.is_none() {
            return Ok(Err(err(
                "unauthorized_client",
                "this client may not use client_credentials",
                false,
            )));
        }
        self.integration_token(&client).await.map(Ok)
    }

    /// A token for an integration client (also used by the command line and tests).
    pub async fn integration_token(&self, client: &ClientRow) -> Result<TokenResponse> {
        let now = self.clock.now_micros();
        let grant = OAuthGrantRow {
            id: uuid::Uuid::new_v4().to_string(),
            client_id: client.client_id.clone(),
            account_id: None,
            scope: client.scopes.clone(),
            patient: None,
            created_at: now,
            revoked_at: None,
        };
        let mut c = self.store.begin().await?;
        db::insert_oauth_grant(&mut c, &grant).await?;
        let resp = self.issue(&mut c, &grant, false).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("app:{}", client.client_id),
                "token",
                None,
                "success",
                Some("client_credentials".into()),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(resp)
    }

    /// Resolve a bearer token to a caller, re-evaluating what the granting person may reach
    /// today (a revoked proxy grant or a birthday applies to tokens at once).
    pub async fn bearer(&self, token: &str, source: Option<String>) -> Result<Option<Caller>> {
        let now = self.clock.now_micros();
        let hash = secrets::token_hash(token);
        let day = super::date_of(now);
        // Read before resolving: a change committed meanwhile makes what we compute stale.
        let epoch = self.store.callers_epoch().await;
        if let Some(e) = epoch
            && let Some(mut caller) = self.bearers.get(&hash, e, day, now)
        {
            caller.source = source;
            return Ok(Some(caller));
        }
        let Some((mut caller, expires_at)) = self.resolve_bearer(&hash, now).await? else {
            return Ok(None);
        };
        if let Some(epoch) = epoch {
            self.bearers.put(
                hash,
                super::bearer_cache::Entry {
                    caller: caller.clone(),
                    epoch,
                    day,
                    expires_at,
                    made: std::time::Instant::now(),
                },
            );
        }
        caller.source = source;
        Ok(Some(caller))
    }

    async fn resolve_bearer(&self, hash: &str, now: i64) -> Result<Option<(Caller, i64)>> {
        let mut r = self.store.reader().await?;
        let found = db::bearer_lookup(&mut r, hash).await?;
        drop(r);
        let Some((t, grant, client)) = found else {
            return Ok(None);
        };
        if t.kind != "access" || t.revoked || t.expires_at <= now {
            return Ok(None);
        }
        if grant.revoked_at.is_some() || client.disabled {
            return Ok(None);
        }
        let scopes: Vec<String> = grant.scope.split_whitespace().map(str::to_owned).collect();
        if client.integration {
            return Ok(Some((
                Caller {
                    actor: format!("app:{}", client.client_id),
                    principal: Principal::Integration {
                        client_id: client.client_id,
                    },
                    acting_for: None,
                    purpose: Some("operations".into()),
                    source: None,
                },
                t.expires_at,
            )));
        }
        let Some(account) = grant.account_id.as_deref() else {
            return Ok(None);
        };
        let Some(acct) = self.account(account).await? else {
            return Ok(None);
        };
        let person = self.principal_for(&acct, now).await?;
        let Principal::Person { grants, .. } = person else {
            return Ok(None);
        };
        let user_level = scopes.iter().any(|s| s.starts_with("user/"));
        let grants: Vec<Grant> = grants
            .into_iter()
            .filter(|g| user_level || grant.patient.as_deref() == Some(g.patient.as_str()))
            .collect();
        Ok(Some((
            Caller {
                actor: format!("app:{}", client.client_id),
                principal: Principal::App {
                    client_id: client.client_id,
                    account: acct.id,
                    grants,
                    scopes,
                },
                acting_for: grant.patient,
                purpose: Some("patient-request".into()),
                source: None,
            },
            t.expires_at,
        )))
    }

    /// RFC 7662. The caller must be a registered client; it learns only about its own tokens
    /// (integration clients about any).
    pub async fn introspect(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        token: &str,
    ) -> Result<std::result::Result<Introspection, OAuthError>> {
        let asker = match self.client_auth(client_id, client_secret).await? {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let now = self.clock.now_micros();
        let mut r = self.store.reader().await?;
        let Some(t) = db::token_by_hash(&mut r, &secrets::token_hash(token)).await? else {
            return Ok(Ok(Introspection::inactive()));
        };
        let Some(grant) = db::oauth_grant_by_id(&mut r, &t.grant_id).await? else {
            return Ok(Ok(Introspection::inactive()));
        };
        if t.revoked || t.expires_at <= now || grant.revoked_at.is_some() {
            return Ok(Ok(Introspection::inactive()));
        }
        if !asker.integration && asker.client_id != grant.client_id {
            return Ok(Ok(Introspection::inactive()));
        }
        Ok(Ok(Introspection {
            active: true,
            scope: Some(grant.scope),
            client_id: Some(grant.client_id),
            sub: grant.account_id,
            patient: grant.patient,
            exp: Some(t.expires_at / SEC),
            token_type: Some(if t.kind == "access" {
                "Bearer".into()
            } else {
                "refresh_token".into()
            }),
        }))
    }

    /// RFC 7009: revoking a refresh token ends the whole grant; an unknown token is not an error.
    pub async fn revoke(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        token: &str,
    ) -> Result<std::result::Result<(), OAuthError>> {
        let asker = match self.client_auth(client_id, client_secret).await? {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let now = self.clock.now_micros();
        let hash = secrets::token_hash(token);
        let mut c = self.store.begin().await?;
        if let Some(t) = db::token_by_hash(&mut c, &hash).await?
            && let Some(g) = db::oauth_grant_by_id(&mut c, &t.grant_id).await?
            && (g.client_id == asker.client_id || asker.integration)
        {
            if t.kind == "refresh" {
                db::revoke_oauth_grant(&mut c, &g.id, now).await?;
            } else {
                db::revoke_token(&mut c, &hash, now).await?;
            }
        }
        c.commit().await?;
        Ok(Ok(()))
    }

    /// The apps an account connected, with their names.
    pub async fn connected_apps(&self, account: &str) -> Result<Vec<(OAuthGrantRow, String)>> {
        let mut c = self.store.reader().await?;
        let grants = db::oauth_grants_of(&mut c, account).await?;
        let mut out = Vec::new();
        for g in grants {
            let name = db::client_by_id(&mut c, &g.client_id)
                .await?
                .map_or_else(|| g.client_id.clone(), |c| c.name);
            out.push((g, name));
        }
        Ok(out)
    }

    /// Disconnect an app: its grant and every token issued under it stop working at once.
    pub async fn disconnect_app(&self, account: &str, grant_id: &str) -> Result<bool> {
        let mut c = self.store.begin().await?;
        let ok = match db::oauth_grant_by_id(&mut c, grant_id).await? {
            Some(g) if g.account_id.as_deref() == Some(account) => {
                db::revoke_oauth_grant(&mut c, grant_id, self.clock.now_micros()).await?
            }
            _ => false,
        };
        if ok {
            Self::audit(
                &mut c,
                self.event(
                    &format!("account:{account}"),
                    "app-disconnect",
                    None,
                    "success",
                    Some(grant_id.to_owned()),
                    None,
                ),
            )
            .await?;
        }
        c.commit().await?;
        Ok(ok)
    }
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_known() {
        for s in [
            "patient/*.read",
            "patient/Observation.read",
            "user/Condition.rs",
            "openid",
            "offline_access",
        ] {
            assert!(scope_known(s), "{s}");
        }
        for s in [
            "patient/*.write",
            "admin",
            "patient/Obs ervation.read",
            "user/.read",
            "patient/Observation",
        ] {
            assert!(!scope_known(s), "{s}");
        }
    }
}
