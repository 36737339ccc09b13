-- Text messages (issue 14): the mobile numbers that get a member's visit reminders, proven by a
-- code sent to them and opted in (SCH-04, SMS-01), STOP honoured at once for the whole number
-- (SMS-02); every reminder sent, once per visit and lead time (the key), for the daily and
-- weekly caps; and every inbound reply with what it did.
CREATE TABLE text_numbers (
    mobile       TEXT    NOT NULL,             -- E.164
    patient      TEXT    NOT NULL,             -- whose visits it is told about
    code_hash    TEXT,                          -- SHA-256 of the pending verification code
    code_expires BIGINT,
    attempts     BIGINT  NOT NULL DEFAULT 0,
    verified_at  BIGINT,
    opted_in     BOOLEAN NOT NULL DEFAULT FALSE,
    stopped_at   BIGINT,                        -- STOP: nothing but the one confirmation
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (mobile, patient)
);
CREATE INDEX text_numbers_patient ON text_numbers (patient);

CREATE TABLE text_log (
    msg_key      TEXT    NOT NULL PRIMARY KEY,  -- reminder:<appointment>:<lead days>
    patient      TEXT    NOT NULL,
    mobile       TEXT    NOT NULL,
    kind         TEXT    NOT NULL,              -- reminder | confirmation | help | stop | closure
    appointment  TEXT,
    sent_at      BIGINT  NOT NULL
);
CREATE INDEX text_log_patient ON text_log (patient, sent_at);
CREATE INDEX text_log_mobile ON text_log (mobile, sent_at);

CREATE TABLE text_inbox (
    id           BIGSERIAL PRIMARY KEY,
    mobile       TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    received_at  BIGINT  NOT NULL,
    outcome      TEXT    NOT NULL
);
