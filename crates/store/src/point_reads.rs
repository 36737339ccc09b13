//! Point reads on SQLite without a thread hop.
//!
//! sqlx runs each SQLite connection on a worker thread of its own and talks to it over channels:
//! every query (and every row) wakes that thread and then the caller's again. For a read by id —
//! one B-tree lookup of a few microseconds — a profile showed the server spending most of its
//! CPU in those wake-ups (futex, context switches). These connections run the lookup on the
//! calling thread instead: a handful of plain SQLite connections, each behind a mutex, taken
//! with `try_lock` in turn. When every one is busy the caller falls back to the pool (see
//! [`crate::Store::read_resource`]), so nobody waits here.
//!
//! Primary-key lookups go this way (bounded: one row). So do searches (issue 17): a search's
//! snapshot ([`crate::Store::snapshot`]) borrows one of these connections for its read
//! transaction and runs its statements (the page, the count, the includes) on the calling
//! thread, where the pool cost two thread hops per statement and one per row. A search's
//! statements are bounded by its page size. History, exports and everything that writes stay
//! on the pools. WAL mode lets these read beside the writer; each lookup is its own read
//! transaction, a snapshot one transaction, so each sees every commit made before it started.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Mutex, OwnedMutexGuard};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row};

use crate::StoreError;
use crate::db::{Kind, Val};
use crate::resources::StoredResource;

// The columns of `resources::RES_COLS`, in its order (a test below holds them equal).
const READ: &str = "SELECT res_type, id, version, last_updated, deleted, compartment, content \
    FROM resources WHERE res_type = ?1 AND id = ?2";
const VREAD: &str = "SELECT res_type, id, version, last_updated, deleted, compartment, content \
    FROM resources WHERE res_type = ?1 AND id = ?2 AND version = ?3 \
    UNION ALL SELECT res_type, id, version, last_updated, deleted, compartment, content \
    FROM resource_history WHERE res_type = ?1 AND id = ?2 AND version = ?3";

pub(crate) struct PointReads {
    conns: Vec<Arc<Mutex<Option<Connection>>>>,
    next: AtomicUsize,
    /// Lend connections to searches (`WELLSPRING_SQLITE_SEARCH=pool` keeps searches on the
    /// pool, to compare; see docs/BENCHMARKS.md).
    searches: bool,
}

fn stored(r: &Row<'_>) -> rusqlite::Result<StoredResource> {
    Ok(StoredResource {
        res_type: r.get(0)?,
        id: r.get(1)?,
        version: r.get(2)?,
        last_updated: r.get(3)?,
        deleted: r.get(4)?,
        compartment: r.get(5)?,
        content: r.get(6)?,
    })
}

impl PointReads {
    /// `n` connections to the database file at `path` (which the pools have created).
    pub(crate) fn open(path: &str, n: usize) -> Result<PointReads, StoreError> {
        let mut conns = Vec::with_capacity(n);
        for _ in 0..n {
            let c = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            c.busy_timeout(Duration::from_secs(5))?;
            // Reads only; a small page cache each (the OS cache and the map do the rest).
            // `WELLSPRING_SQLITE_READ_MMAP=off` reads through the page cache instead of a map:
            // a reader whose next transaction sees another commit (a write, the read audit)
            // drops its whole map and faults it back in (to compare).
            let mmap = if std::env::var("WELLSPRING_SQLITE_READ_MMAP").as_deref() == Ok("off") {
                0
            } else {
                17_179_869_184_i64
            };
            c.execute_batch(&format!(
                "PRAGMA query_only = ON; PRAGMA cache_size = -16384; \
                 PRAGMA mmap_size = {mmap}; PRAGMA temp_store = memory;"
            ))?;
            c.set_prepared_statement_cache_capacity(16);
            conns.push(Arc::new(Mutex::new(Some(c))));
        }
        Ok(PointReads {
            conns,
            next: AtomicUsize::new(0),
            searches: std::env::var("WELLSPRING_SQLITE_SEARCH").as_deref() != Ok("pool"),
        })
    }

    /// Run `f` on a free connection; `None` when none is free (or they are closed).
    fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Option<Result<T, StoreError>> {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(guard) = self.conns[(start + i) % n].try_lock() {
                let c = guard.as_ref()?;
                return Some(f(c).map_err(StoreError::from));
            }
        }
        None
    }

    /// The current version of a resource, tombstones included.
    pub(crate) fn read(
        &self,
        res_type: &str,
        id: &str,
    ) -> Option<Result<Option<StoredResource>, StoreError>> {
        self.with(|c| {
            c.prepare_cached(READ)?
                .query_row((res_type, id), stored)
                .optional()
        })
    }

    /// One version, current or from history.
    pub(crate) fn vread(
        &self,
        res_type: &str,
        id: &str,
        version: i64,
    ) -> Option<Result<Option<StoredResource>, StoreError>> {
        self.with(|c| {
            c.prepare_cached(VREAD)?
                .query_row((res_type, id, version), stored)
                .optional()
        })
    }

    /// Lend a free connection for a read transaction (a search's snapshot); `None` when none
    /// is free (the caller takes the pool).
    pub(crate) fn lend(&self) -> Option<Result<Snapshot, StoreError>> {
        if !self.searches {
            return None;
        }
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(guard) = self.conns[(start + i) % n].clone().try_lock_owned() {
                let c = guard.as_ref()?;
                return Some(
                    c.execute_batch("BEGIN")
                        .map(|()| Snapshot { guard })
                        .map_err(StoreError::from),
                );
            }
        }
        None
    }

    /// Close every connection (waits for reads under way).
    pub(crate) async fn close(&self) {
        for m in &self.conns {
            m.lock().await.take();
        }
    }
}

/// A read transaction on a borrowed connection; ended (and the connection given back) when
/// dropped.
pub(crate) struct Snapshot {
    guard: OwnedMutexGuard<Option<Connection>>,
}

impl Snapshot {
    fn conn(&self) -> Result<&Connection, StoreError> {
        self.guard
            .as_ref()
            .ok_or(StoreError::Point(rusqlite::Error::InvalidQuery))
    }

    pub(crate) fn execute(&mut self, sql: &str, args: &[Val]) -> Result<u64, StoreError> {
        crate::direct::execute(self.conn()?, sql, args)
    }

    pub(crate) fn fetch(
        &mut self,
        sql: &str,
        args: &[Val],
        kinds: &[Kind],
    ) -> Result<Vec<crate::db::Row>, StoreError> {
        crate::direct::fetch(self.conn()?, sql, args, kinds)
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        if let Some(c) = self.guard.as_ref()
            && !c.is_autocommit()
        {
            // Read-only: ending it either way changes nothing.
            let _ = c.execute_batch("ROLLBACK");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_reads_select_the_stored_columns_in_order() {
        let cols = format!("SELECT {} FROM", crate::resources::RES_COLS);
        assert!(READ.starts_with(&cols), "{READ}");
        assert!(VREAD.starts_with(&cols), "{VREAD}");
        assert_eq!(VREAD.matches(&cols).count(), 2);
    }
}
