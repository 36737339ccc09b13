-- The callers' epoch: advanced after every commit that changes what a caller may reach (tokens,
-- OAuth grants, proxy grants, accounts, Patient records). A sequence, not a row: writers never
-- wait on each other for it. Caches of resolved callers are valid only while it stands still
-- (see crates/store/src/callers.rs).
CREATE SEQUENCE callers_epoch;
