-- The callers' epoch: bumped by every transaction that changes what a caller may reach (tokens,
-- OAuth grants, proxy grants, accounts, Patient records). Caches of resolved callers are valid
-- only while it stands still (see crates/store/src/callers.rs).
CREATE TABLE callers_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO callers_epoch (id, n) VALUES (1, 0);
