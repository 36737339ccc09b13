-- Wellspring store, SQLite dialect. Keep in step with migrations/postgres.
-- Current version of every resource (tombstones included); older versions live in resource_history.
CREATE TABLE resources (
    res_type     TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,           -- microseconds since the Unix epoch, UTC
    deleted      BOOLEAN NOT NULL DEFAULT FALSE,
    compartment  TEXT    NOT NULL DEFAULT '', -- patient compartment id ('' = shared resource)
    content      TEXT,                        -- FHIR JSON; NULL for a tombstone
    PRIMARY KEY (res_type, id)
);
-- (A rowid table on purpose: in a WITHOUT ROWID table a ~1 KB JSON row spills into its own
-- overflow page, which made the table 4 KB per resource.)
CREATE INDEX resources_updated ON resources (last_updated);
CREATE INDEX resources_type_updated ON resources (res_type, last_updated);
CREATE INDEX resources_compartment ON resources (compartment, res_type);

CREATE TABLE resource_history (
    res_type     TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,
    deleted      BOOLEAN NOT NULL,
    compartment  TEXT    NOT NULL DEFAULT '',
    content      TEXT,
    PRIMARY KEY (res_type, id, version)
);
CREATE INDEX resource_history_updated ON resource_history (last_updated);

-- Search indexes, extracted at write time. Rows exist only for the current, non-deleted version.
-- Each is keyed (WITHOUT ROWID) in the order searches look values up, so a row is written once
-- into its search B-tree plus once into the per-resource index used to replace it on update.
CREATE TABLE idx_string (
    res_type    TEXT NOT NULL,
    res_id      TEXT NOT NULL,
    param       TEXT NOT NULL,
    norm        TEXT NOT NULL,
    exact       TEXT NOT NULL,
    compartment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (res_type, param, norm, exact, res_id)
) WITHOUT ROWID;
CREATE INDEX idx_string_res ON idx_string (res_type, res_id);

CREATE TABLE idx_token (
    res_type    TEXT NOT NULL,
    res_id      TEXT NOT NULL,
    param       TEXT NOT NULL,
    system      TEXT NOT NULL DEFAULT '',
    code        TEXT NOT NULL,
    compartment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (res_type, param, code, system, res_id)
) WITHOUT ROWID;
CREATE INDEX idx_token_res ON idx_token (res_type, res_id);

CREATE TABLE idx_reference (
    res_type    TEXT NOT NULL,
    res_id      TEXT NOT NULL,
    param       TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    compartment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (target_id, target_type, res_type, param, res_id)
) WITHOUT ROWID;
CREATE INDEX idx_reference_res ON idx_reference (res_type, res_id);

CREATE TABLE idx_date (
    res_type    TEXT    NOT NULL,
    res_id      TEXT    NOT NULL,
    param       TEXT    NOT NULL,
    lo          INTEGER NOT NULL,
    hi          INTEGER NOT NULL,
    compartment TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (res_type, param, lo, hi, res_id)
) WITHOUT ROWID;
CREATE INDEX idx_date_res ON idx_date (res_type, res_id);

-- Append-only access log. Triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at  INTEGER NOT NULL,
    actor        TEXT    NOT NULL,
    acting_for   TEXT,
    purpose      TEXT,
    action       TEXT    NOT NULL,
    res_type     TEXT,
    res_id       TEXT,
    compartment  TEXT,
    outcome      TEXT    NOT NULL,
    detail       TEXT,
    source       TEXT
);
CREATE INDEX audit_log_compartment ON audit_log (compartment, recorded_at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Bulk Data $export jobs.
CREATE TABLE export_jobs (
    id           TEXT    PRIMARY KEY,
    created_at   INTEGER NOT NULL,
    status       TEXT    NOT NULL,   -- pending | running | complete | failed
    request      TEXT    NOT NULL,   -- the kick-off URL
    params       TEXT    NOT NULL,   -- JSON: level, patient, types, since
    output       TEXT,               -- JSON array of {type, url, count}
    error        TEXT,
    finished_at  INTEGER
);
