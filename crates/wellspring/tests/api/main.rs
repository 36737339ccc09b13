//! Integration tests of the whole HTTP API: the real router served in-process on 127.0.0.1,
//! each test on a fresh database, every test on both SQLite and PostgreSQL.
//!
//! PostgreSQL: `WELLSPRING_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! each test works in its own schema, dropped at the end. If PostgreSQL is unreachable the
//! PostgreSQL variants fail (they never skip).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod support;

mod audit;
mod authz;
mod browser;
mod bulk;
mod bundles;
mod caches;
mod concurrency;
mod coverage;
mod crud;
mod durability;
mod fuzz_smoke;
mod identity;
mod logs;
mod matrix;
mod misc;
mod pharmacy;
mod privacy;
mod records;
mod scheduling;
mod search;
mod seed;
mod validation;
