-- Wellspring store, PostgreSQL dialect. Keep in step with migrations/sqlite.
-- Current version of every resource (tombstones included); older versions live in resource_history.
CREATE TABLE resources (
    res_type     TEXT COLLATE "C"    NOT NULL,
    id           TEXT COLLATE "C"    NOT NULL,
    version      BIGINT NOT NULL,
    last_updated BIGINT NOT NULL,           -- microseconds since the Unix epoch, UTC
    deleted      BOOLEAN NOT NULL DEFAULT FALSE,
    compartment  TEXT COLLATE "C"    NOT NULL DEFAULT '', -- patient compartment id ('' = shared resource)
    content      TEXT COLLATE "C",                        -- FHIR JSON; NULL for a tombstone
    PRIMARY KEY (res_type, id)
);
CREATE INDEX resources_updated ON resources (last_updated);
CREATE INDEX resources_type_updated ON resources (res_type, last_updated);
CREATE INDEX resources_compartment ON resources (compartment, res_type);

CREATE TABLE resource_history (
    res_type     TEXT COLLATE "C"    NOT NULL,
    id           TEXT COLLATE "C"    NOT NULL,
    version      BIGINT NOT NULL,
    last_updated BIGINT NOT NULL,
    deleted      BOOLEAN NOT NULL,
    compartment  TEXT COLLATE "C"    NOT NULL DEFAULT '',
    content      TEXT COLLATE "C",
    PRIMARY KEY (res_type, id, version)
);
CREATE INDEX resource_history_updated ON resource_history (last_updated);

-- Search indexes, extracted at write time. Rows exist only for the current, non-deleted version.
CREATE TABLE idx_string (
    res_type    TEXT COLLATE "C" NOT NULL,
    res_id      TEXT COLLATE "C" NOT NULL,
    param       TEXT COLLATE "C" NOT NULL,
    norm        TEXT COLLATE "C" NOT NULL,
    exact       TEXT COLLATE "C" NOT NULL,
    compartment TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX idx_string_value ON idx_string (res_type, param, norm);
CREATE INDEX idx_string_res ON idx_string (res_type, res_id);

CREATE TABLE idx_token (
    res_type    TEXT COLLATE "C" NOT NULL,
    res_id      TEXT COLLATE "C" NOT NULL,
    param       TEXT COLLATE "C" NOT NULL,
    system      TEXT COLLATE "C" NOT NULL DEFAULT '',
    code        TEXT COLLATE "C" NOT NULL,
    compartment TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX idx_token_value ON idx_token (res_type, param, code, system);
CREATE INDEX idx_token_res ON idx_token (res_type, res_id);

CREATE TABLE idx_reference (
    res_type    TEXT COLLATE "C" NOT NULL,
    res_id      TEXT COLLATE "C" NOT NULL,
    param       TEXT COLLATE "C" NOT NULL,
    target_type TEXT COLLATE "C" NOT NULL,
    target_id   TEXT COLLATE "C" NOT NULL,
    compartment TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX idx_reference_target ON idx_reference (target_id, target_type, res_type, param);
CREATE INDEX idx_reference_res ON idx_reference (res_type, res_id);

CREATE TABLE idx_date (
    res_type    TEXT COLLATE "C"    NOT NULL,
    res_id      TEXT COLLATE "C"    NOT NULL,
    param       TEXT COLLATE "C"    NOT NULL,
    lo          BIGINT NOT NULL,
    hi          BIGINT NOT NULL,
    compartment TEXT COLLATE "C"    NOT NULL DEFAULT ''
);
CREATE INDEX idx_date_value ON idx_date (res_type, param, lo);
CREATE INDEX idx_date_res ON idx_date (res_type, res_id);

-- Append-only access log. Triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    seq          BIGSERIAL PRIMARY KEY,
    recorded_at  BIGINT NOT NULL,
    actor        TEXT COLLATE "C"    NOT NULL,
    acting_for   TEXT COLLATE "C",
    purpose      TEXT COLLATE "C",
    action       TEXT COLLATE "C"    NOT NULL,
    res_type     TEXT COLLATE "C",
    res_id       TEXT COLLATE "C",
    compartment  TEXT COLLATE "C",
    outcome      TEXT COLLATE "C"    NOT NULL,
    detail       TEXT COLLATE "C",
    source       TEXT COLLATE "C"
);
CREATE INDEX audit_log_compartment ON audit_log (compartment, recorded_at);

-- Bulk Data $export jobs.
CREATE TABLE export_jobs (
    id           TEXT COLLATE "C"    PRIMARY KEY,
    created_at   BIGINT NOT NULL,
    status       TEXT COLLATE "C"    NOT NULL,   -- pending | running | complete | failed
    request      TEXT COLLATE "C"    NOT NULL,   -- the kick-off URL
    params       TEXT COLLATE "C"    NOT NULL,   -- JSON: level, patient, types, since
    output       TEXT COLLATE "C",               -- JSON array of {type, url, count}
    error        TEXT COLLATE "C",
    finished_at  BIGINT
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
