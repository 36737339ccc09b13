-- Identity: accounts, credentials, sessions, one-time tokens, proxy grants, SMART/OAuth2, outbox.
-- Keep in step with migrations/sqlite/0002_identity.sql. Times are microseconds since the epoch.
CREATE TABLE accounts (
    id              TEXT    NOT NULL PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,        -- lower-cased
    mobile          TEXT,                           -- E.164
    display_name    TEXT    NOT NULL,
    kind            TEXT    NOT NULL,               -- member | caregiver | staff
    patient_id      TEXT    UNIQUE,                 -- the member's own Patient (one account each)
    birth_date      TEXT,                           -- YYYY-MM-DD (proxy age rules)
    state           TEXT,                           -- US state of residence (proxy age table)
    staff_role      TEXT,                           -- member-services | clinician | pharmacist | administrator
    practitioner_id TEXT,
    password_hash   TEXT    NOT NULL,               -- Argon2id PHC string
    totp_secret     TEXT,                           -- base32, set when two-step is on
    failed_count    BIGINT  NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE TABLE recovery_codes (
    account_id TEXT    NOT NULL,
    code_hash  TEXT    NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (account_id, code_hash)
);

-- Session cookies hold a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash   TEXT    NOT NULL PRIMARY KEY,
    account_id   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    last_seen    BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,               -- idle expiry, pushed forward on use
    absolute_end BIGINT  NOT NULL,               -- no session outlives this
    pending_two_step BOOLEAN NOT NULL DEFAULT FALSE,
    acting_for   TEXT,
    source       TEXT,
    revoked      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Sign-in attempts per client address, for throttling (AUT-01).
CREATE TABLE sign_in_attempts (
    source TEXT    NOT NULL,
    at     BIGINT  NOT NULL,
    ok     BOOLEAN NOT NULL
);
CREATE INDEX sign_in_attempts_source ON sign_in_attempts (source, at);

-- Single-use, short-lived tokens (password reset); only the hash is stored.
CREATE TABLE one_time_tokens (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    account_id TEXT    NOT NULL,
    purpose    TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
);

-- Who may act for whom (DOMAIN.md §4). Parent links are re-evaluated against the child's age on
-- every use, so access changes on the birthday without anyone doing anything.
CREATE TABLE proxy_grants (
    id              TEXT    NOT NULL PRIMARY KEY,
    subject_patient TEXT    NOT NULL,
    grantee_account TEXT,                          -- NULL while an invitation is pending
    grantee_email   TEXT,
    grantee_name    TEXT    NOT NULL,
    relationship    TEXT    NOT NULL,              -- parent | caregiver | legal
    granted_on      TEXT    NOT NULL,              -- YYYY-MM-DD
    granted_by      TEXT    NOT NULL,              -- actor who recorded it
    document        TEXT,                          -- legal authority documents (legal)
    created_at      BIGINT  NOT NULL,
    revoked_at      BIGINT,
    revoked_by      TEXT
);
CREATE INDEX proxy_grants_subject ON proxy_grants (subject_patient);
CREATE INDEX proxy_grants_grantee ON proxy_grants (grantee_account);

-- SMART on FHIR / OAuth 2.0.
CREATE TABLE oauth_clients (
    client_id     TEXT    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    redirect_uris TEXT    NOT NULL,                -- JSON array of exact URIs
    scopes        TEXT    NOT NULL,                -- space-separated scopes it may ask for
    secret_hash   TEXT,                            -- confidential clients; NULL = public (PKCE)
    integration   BOOLEAN NOT NULL DEFAULT FALSE,  -- back-end client with unrestricted access
    created_by    TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE
);

-- What a person allowed an app (the "connected apps" list).
CREATE TABLE oauth_grants (
    id         TEXT    NOT NULL PRIMARY KEY,
    client_id  TEXT    NOT NULL,
    account_id TEXT,                               -- NULL for integration clients
    scope      TEXT    NOT NULL,
    patient    TEXT,                               -- launch patient chosen at consent
    created_at BIGINT  NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX oauth_grants_account ON oauth_grants (account_id);

CREATE TABLE oauth_codes (
    code_hash      TEXT    NOT NULL PRIMARY KEY,
    grant_id       TEXT    NOT NULL,
    redirect_uri   TEXT    NOT NULL,
    code_challenge TEXT    NOT NULL,
    expires_at     BIGINT  NOT NULL,
    used_at        BIGINT
);

CREATE TABLE oauth_tokens (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    grant_id   TEXT    NOT NULL,
    kind       TEXT    NOT NULL,                   -- access | refresh
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);

-- Notifications waiting to be sent (email, SMS); the sender marks them sent.
CREATE TABLE outbox (
    id         BIGSERIAL PRIMARY KEY,
    channel    TEXT    NOT NULL,                   -- email | sms
    recipient  TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    sent_at    BIGINT
);
CREATE INDEX outbox_unsent ON outbox (sent_at, id);
