//! The callers' epoch: how caches of resolved callers (a bearer token → who is calling, with
//! which grants) learn at once that what they hold may be stale.
//!
//! Every write that changes what a caller may reach — a token or OAuth grant revoked, a proxy
//! grant added, revoked or claimed, a password reset, an account's verified e-mail, any Patient
//! record (ages, panels, links) — calls [`crate::Conn::callers_changed`]. When that transaction
//! commits, this process's epoch advances before `commit` returns, so the next request here
//! recomputes. Other processes and app servers learn it from the database: on SQLite the
//! `callers_epoch` row moves inside the writing transaction (atomic with the change); on
//! PostgreSQL a sequence advances right after the commit (a sequence, so concurrent writers never
//! queue on one row). [`Watch::epoch`] re-reads that counter at most every [`POLL`] and answers
//! `None` — cache nothing — when it could not for longer than [`STALE`].
//!
//! A cache entry is valid only while the epoch it was computed under is still current; it reads
//! the epoch *before* computing, so a change that commits during the computation invalidates it.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::db::{Conn, Kind, Link};
use crate::{Pools, StoreError};

/// How often another process's changes are looked for.
pub const POLL: Duration = Duration::from_millis(250);
/// After this long without a successful look, caches hold nothing.
pub const STALE: Duration = Duration::from_secs(2);

pub(crate) struct Watch {
    local: AtomicU64,
    /// The database's counter as last read (`i64::MIN`: never).
    seen: AtomicI64,
    /// Milliseconds since `start` of the last successful read (0: never).
    last_ok: AtomicU64,
    polling: AtomicBool,
    start: Instant,
    pools: Pools,
}

/// Clears the "someone is polling" flag even if the polling request is dropped half-way.
struct PollTurn<'a>(&'a AtomicBool);

impl Drop for PollTurn<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl Watch {
    pub(crate) fn new(pools: Pools) -> Watch {
        Watch {
            local: AtomicU64::new(1),
            seen: AtomicI64::new(i64::MIN),
            last_ok: AtomicU64::new(0),
            polling: AtomicBool::new(false),
            start: Instant::now(),
            pools,
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// A transaction that changed callers committed: invalidate here, and tell the others.
    pub(crate) async fn changed(&self) {
        self.local.fetch_add(1, Ordering::AcqRel);
        if let Pools::Pg(p) = &self.pools {
            let res = async {
                let mut c = Conn::new(Link::Pg(p.acquire().await?), None);
                c.fetch("SELECT nextval('callers_epoch')", &[], &[Kind::Int])
                    .await
            }
            .await;
            if let Err(e) = res {
                // Other app servers keep their cache entries until their maximum age.
                tracing::warn!(error = %e, "could not advance the callers' epoch");
            }
        }
    }

    /// The current epoch, or `None` when caches must not be trusted (the database's counter
    /// could not be read lately).
    pub(crate) async fn epoch(&self) -> Option<u64> {
        let last = self.last_ok.load(Ordering::Acquire);
        let poll_ms = u64::try_from(POLL.as_millis()).unwrap_or(u64::MAX);
        if (last == 0 || self.now_ms().saturating_sub(last) >= poll_ms)
            && !self.polling.swap(true, Ordering::AcqRel)
        {
            let _turn = PollTurn(&self.polling);
            if let Err(e) = self.poll().await {
                tracing::warn!(error = %e, "could not read the callers' epoch");
            }
        }
        let last = self.last_ok.load(Ordering::Acquire);
        let stale_ms = u64::try_from(STALE.as_millis()).unwrap_or(u64::MAX);
        if last == 0 || self.now_ms().saturating_sub(last) > stale_ms {
            return None;
        }
        Some(self.local.load(Ordering::Acquire))
    }

    async fn poll(&self) -> Result<(), StoreError> {
        let (mut c, sql) = match &self.pools {
            Pools::Sqlite { read, .. } => (
                Conn::new(Link::Sqlite(read.acquire().await?), None),
                "SELECT n FROM callers_epoch WHERE id = 1",
            ),
            Pools::Pg(p) => (
                Conn::new(Link::Pg(p.acquire().await?), None),
                "SELECT last_value FROM callers_epoch",
            ),
        };
        let n = c
            .fetch_opt(sql, &[], &[Kind::Int])
            .await?
            .and_then(|r| r.first().map(crate::Cell::int))
            .unwrap_or(0);
        if self.seen.swap(n, Ordering::AcqRel) != n {
            self.local.fetch_add(1, Ordering::AcqRel);
        }
        self.last_ok.store(self.now_ms(), Ordering::Release);
        Ok(())
    }
}
