-- Named counters (one row per name), e.g. the next medical record number a region issues.
CREATE TABLE counters (
    name  TEXT   NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL
);
