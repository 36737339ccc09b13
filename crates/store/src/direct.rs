//! SQLite's single writer on the calling thread.
//!
//! sqlx runs each SQLite connection on a worker thread of its own and talks to it over
//! channels: every statement of a write — BEGIN, the version check, the resource row, the index
//! rows, the audit row, COMMIT — woke that thread and then the caller's again. A profile of
//! `POST Patient` under load showed the writer's time going to those hops rather than to SQLite
//! (issue 17). Here the one write connection is a plain SQLite connection behind an async
//! mutex: a write transaction takes the mutex (as taking sqlx's one-connection pool did), starts
//! with `BEGIN IMMEDIATE`, and runs each statement on the task's own thread. Statements of a
//! write are short (one resource's rows); a bulk statement (an ingest's multi-row INSERT) runs
//! inside `block_in_place` on the multi-threaded runtime so the other tasks of that worker move
//! elsewhere while it runs.
//!
//! Queries are the same text as on the pools (`$n` or anonymous `?` placeholders, bound here by
//! number the way sqlx binds them), decoded into the same [`Cell`]s. A transaction dropped
//! without `commit` is rolled back, as sqlx's is. Only file databases go this way; an in-memory
//! database keeps the sqlx writer (its connections would not share the database).

use std::sync::Arc;
use std::time::Duration;

use rusqlite::{CachedStatement, Connection, OpenFlags};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::StoreError;
use crate::db::{Cell, Kind, Row, Val};

/// The writer connection.
pub(crate) struct DirectWriter {
    conn: Arc<Mutex<Option<Connection>>>,
    /// How long a write waits for the connection before it fails (as sqlx's pool did).
    acquire_timeout: Duration,
}

impl DirectWriter {
    /// Open the write connection to the database file at `path` (which the pools created).
    pub(crate) fn open(path: &str, acquire_timeout: Duration) -> Result<DirectWriter, StoreError> {
        let c = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(Duration::from_secs(30))?;
        // As the sqlx writer was set up: WAL, NORMAL sync, and a large page cache (index
        // inserts touch pages all over big B-trees).
        c.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; \
             PRAGMA temp_store = memory; PRAGMA mmap_size = 17179869184;",
        )?;
        // The page cache in MiB (`WELLSPRING_SQLITE_WRITER_CACHE_MIB`, default 1024).
        let mib: i64 = std::env::var("WELLSPRING_SQLITE_WRITER_CACHE_MIB")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|m| *m > 0)
            .unwrap_or(1024);
        c.execute_batch(&format!("PRAGMA cache_size = -{}", mib * 1024))?;
        c.set_prepared_statement_cache_capacity(256);
        Ok(DirectWriter {
            conn: Arc::new(Mutex::new(Some(c))),
            acquire_timeout,
        })
    }

    /// Begin a write transaction: wait for the connection, then take SQLite's write lock at
    /// once (`BEGIN IMMEDIATE`), so the transaction never fails half-way on a lock upgrade.
    pub(crate) async fn begin(&self) -> Result<DirectTx, StoreError> {
        // A write that waits this long is stuck (or the writer is overloaded): fail it, as
        // sqlx's pool did, rather than wait for ever.
        let guard = tokio::time::timeout(self.acquire_timeout, self.conn.clone().lock_owned())
            .await
            .map_err(|_| StoreError::Db(sqlx::Error::PoolTimedOut))?;
        let Some(c) = guard.as_ref() else {
            return Err(StoreError::Point(rusqlite::Error::InvalidQuery));
        };
        c.execute_batch("BEGIN IMMEDIATE")?;
        Ok(DirectTx { guard, open: true })
    }

    /// Close the connection (after the transaction under way, if any).
    pub(crate) async fn close(&self) {
        self.conn.lock().await.take();
    }
}

/// A write transaction on the writer connection.
pub(crate) struct DirectTx {
    guard: OwnedMutexGuard<Option<Connection>>,
    open: bool,
}

impl Drop for DirectTx {
    fn drop(&mut self) {
        if self.open
            && let Some(c) = self.guard.as_ref()
        {
            // Nothing to tell anyone: the caller gave up on the transaction.
            let _ = c.execute_batch("ROLLBACK");
        }
    }
}

/// Bind `args` the way sqlx does on SQLite: `$n` and `?n` take the `n`th argument, an
/// anonymous `?` the next one.
fn bind(stmt: &mut CachedStatement<'_>, args: &[Val]) -> rusqlite::Result<()> {
    for i in 1..=stmt.parameter_count() {
        let at = match stmt.parameter_name(i) {
            Some(name) => name
                .get(1..)
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| n.checked_sub(1))
                .ok_or_else(|| rusqlite::Error::InvalidParameterName(name.to_owned()))?,
            None => i - 1,
        };
        let v = args
            .get(at)
            .ok_or(rusqlite::Error::InvalidParameterCount(at + 1, args.len()))?;
        match v {
            Val::Int(x) => stmt.raw_bind_parameter(i, x)?,
            Val::Text(s) => stmt.raw_bind_parameter(i, s.as_str())?,
            Val::NullText | Val::NullInt => stmt.raw_bind_parameter(i, rusqlite::types::Null)?,
            Val::Bool(b) => stmt.raw_bind_parameter(i, i64::from(*b))?,
        }
    }
    Ok(())
}

fn decode(row: &rusqlite::Row<'_>, kinds: &[Kind]) -> rusqlite::Result<Row> {
    let mut out = Vec::with_capacity(kinds.len());
    for (i, k) in kinds.iter().enumerate() {
        out.push(match k {
            Kind::Int => Cell::Int(row.get::<_, i64>(i)?),
            Kind::OptInt => row.get::<_, Option<i64>>(i)?.map_or(Cell::Null, Cell::Int),
            Kind::Text => Cell::Text(row.get::<_, String>(i)?),
            Kind::OptText => row
                .get::<_, Option<String>>(i)?
                .map_or(Cell::Null, Cell::Text),
            Kind::Bool => Cell::Bool(row.get::<_, bool>(i)?),
        });
    }
    Ok(out)
}

/// Run `f` where blocking is allowed: in `block_in_place` on the multi-threaded runtime when the
/// statement is a big one, inline otherwise.
fn run<T>(big: bool, f: impl FnOnce() -> T) -> T {
    let multi = tokio::runtime::Handle::try_current().is_ok_and(|h| {
        matches!(
            h.runtime_flavor(),
            tokio::runtime::RuntimeFlavor::MultiThread
        )
    });
    if big && multi {
        tokio::task::block_in_place(f)
    } else {
        f()
    }
}

/// A statement is "big" when it binds this many values (a multi-row INSERT).
const BIG: usize = 256;

impl DirectTx {
    fn conn(&self) -> Result<&Connection, StoreError> {
        self.guard
            .as_ref()
            .ok_or(StoreError::Point(rusqlite::Error::InvalidQuery))
    }

    /// Run a statement (rows it returns are read and dropped); the number of rows changed.
    pub(crate) fn execute(&mut self, sql: &str, args: &[Val]) -> Result<u64, StoreError> {
        let c = self.conn()?;
        run(args.len() >= BIG, || {
            let mut stmt = c.prepare_cached(sql)?;
            bind(&mut stmt, args)?;
            let mut rows = stmt.raw_query();
            while rows.next()?.is_some() {}
            Ok(c.changes())
        })
    }

    /// Run a query and decode every row.
    pub(crate) fn fetch(
        &mut self,
        sql: &str,
        args: &[Val],
        kinds: &[Kind],
    ) -> Result<Vec<Row>, StoreError> {
        let c = self.conn()?;
        run(args.len() >= BIG, || {
            let mut stmt = c.prepare_cached(sql)?;
            bind(&mut stmt, args)?;
            let mut rows = stmt.raw_query();
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(decode(r, kinds)?);
            }
            Ok(out)
        })
    }

    /// Commit; on failure the transaction is rolled back when this is dropped.
    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        self.conn()?.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }

    pub(crate) fn rollback(mut self) -> Result<(), StoreError> {
        self.open = false;
        self.conn()?.execute_batch("ROLLBACK")?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use crate::Store;
    use crate::db::{Kind, Val};

    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

    async fn store(name: &str) -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "ws-direct-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        // A directory left by an earlier run under the same process id starts afresh.
        let _ = std::fs::remove_dir_all(&dir);
        let url = format!("sqlite://{}", dir.join("t.db").display());
        let s = Store::connect(&url).await.unwrap();
        assert!(
            s.direct.is_some(),
            "a file database writes on the calling thread"
        );
        let mut c = s.begin().await.unwrap();
        c.execute(
            "CREATE TABLE t (k TEXT PRIMARY KEY, a INTEGER, b TEXT)",
            &[],
        )
        .await
        .unwrap();
        c.commit().await.unwrap();
        (s, dir)
    }

    async fn rows(s: &Store) -> Vec<crate::db::Row> {
        let mut r = s.reader().await.unwrap();
        r.fetch(
            "SELECT k, a, b FROM t ORDER BY k",
            &[],
            &[Kind::Text, Kind::Int, Kind::OptText],
        )
        .await
        .unwrap()
    }

    /// Numbered parameters bind by number whatever their order (as sqlx binds them), anonymous
    /// ones in order; a commit is seen by the readers, a dropped transaction is rolled back, a
    /// duplicate key is a unique violation and the transaction goes on.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_bind_commit_roll_back_and_report_conflicts() {
        let (s, dir) = store("a").await;
        let mut c = s.begin().await.unwrap();
        c.execute(
            "INSERT INTO t (b, a, k) VALUES ($3, $2, $1)",
            &[Val::from("one"), Val::Int(1), Val::NullText],
        )
        .await
        .unwrap();
        c.execute(
            "INSERT INTO t (k, a, b) VALUES (?, ?, ?)",
            &[Val::from("two"), Val::Bool(true), Val::from("x")],
        )
        .await
        .unwrap();
        let e = c
            .execute(
                "INSERT INTO t (k, a) VALUES ($1, $2)",
                &[Val::from("one"), Val::Int(9)],
            )
            .await
            .unwrap_err();
        assert!(e.is_unique_violation(), "{e}");
        let n = c
            .execute(
                "UPDATE t SET a = a + $1 WHERE k = $2",
                &[Val::Int(10), Val::from("one")],
            )
            .await
            .unwrap();
        assert_eq!(n, 1);
        let inside = c
            .fetch_opt(
                "SELECT a FROM t WHERE k = $1",
                &[Val::from("one")],
                &[Kind::Int],
            )
            .await
            .unwrap();
        assert_eq!(inside.unwrap()[0].int(), 11);
        c.commit().await.unwrap();
        let got = rows(&s).await;
        assert_eq!(got.len(), 2);
        assert_eq!(got[0][0].clone().text(), "one");
        assert_eq!(got[0][1].int(), 11);
        assert_eq!(got[0][2].clone().opt_text(), None);
        assert_eq!(got[1][1].int(), 1);
        // Dropped without commit: nothing of it stays, and the writer is free again.
        {
            let mut c = s.begin().await.unwrap();
            c.execute("DELETE FROM t", &[]).await.unwrap();
        }
        assert_eq!(rows(&s).await.len(), 2);
        let c = s.begin().await.unwrap();
        c.rollback().await.unwrap();
        s.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
