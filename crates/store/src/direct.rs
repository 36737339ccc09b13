//! SQLite's single writer on the calling thread, with group commit.
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
//! **Group commit.** Every COMMIT writes the pages the transaction changed to the WAL (the same
//! index pages again and again for writes of one kind) and resets the pager's state; concurrent
//! writers share that cost. A write that finds others waiting for the writer does not commit on
//! its own: it leaves its transaction open and hands the connection on; the writers that were
//! waiting each run inside it under a savepoint of their own, and one COMMIT ends the group.
//! Nobody is told "done" before that COMMIT: [`DirectTx::commit`] returns only once the group's
//! COMMIT has succeeded, so an acknowledged write is as durable as before. A write that fails
//! (or is dropped, or rolled back) inside a group is rolled back to its savepoint and fails
//! alone; the others go on. If the COMMIT itself fails, every member of the group is told so.
//! The first writer of a group (its leader) commits it: it queues for the connection again
//! behind the writers that were waiting (the mutex is fair), from a task of its own so a caller
//! that gives up cannot leave the group open. A group is therefore at most as big as the queue
//! was when its leader finished. `WELLSPRING_SQLITE_GROUP_COMMIT=off` commits every write alone.
//!
//! Queries are the same text as on the pools (`$n` or anonymous `?` placeholders, bound here by
//! number the way sqlx binds them), decoded into the same [`Cell`]s. A transaction dropped
//! without `commit` is rolled back, as sqlx's is. Only file databases go this way; an in-memory
//! database keeps the sqlx writer (its connections would not share the database).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use rusqlite::{CachedStatement, Connection, OpenFlags};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use crate::StoreError;
use crate::db::{Cell, Kind, Row, Val};

/// How a group ended: committed, or the COMMIT's error (every member gets a copy).
type Outcome = Option<Result<(), (rusqlite::ffi::Error, Option<String>)>>;

/// What the mutex guards: the connection and the group whose transaction is open on it.
struct Slot {
    conn: Option<Connection>,
    /// Set while a group's transaction is open and its leader waits to commit it.
    group: Option<watch::Sender<Outcome>>,
}

/// The writer connection.
pub(crate) struct DirectWriter {
    slot: Arc<Mutex<Slot>>,
    /// How long a write waits for the connection before it fails (as sqlx's pool did).
    acquire_timeout: Duration,
    /// Writes queued for the connection (a leader that sees none commits at once).
    waiting: Arc<AtomicUsize>,
    /// COMMITs run so far (to see grouping at work in tests and benchmarks).
    commits: Arc<AtomicU64>,
    grouping: bool,
}

/// Counts a write as queued for the connection until it has it (or gives up).
struct Queued(Arc<AtomicUsize>);

impl Queued {
    fn new(n: &Arc<AtomicUsize>) -> Queued {
        n.fetch_add(1, Ordering::SeqCst);
        Queued(n.clone())
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn shareable(e: &rusqlite::Error) -> (rusqlite::ffi::Error, Option<String>) {
    match e {
        rusqlite::Error::SqliteFailure(f, m) => (*f, m.clone()),
        other => (
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(other.to_string()),
        ),
    }
}

fn unshare((f, m): (rusqlite::ffi::Error, Option<String>)) -> StoreError {
    StoreError::Point(rusqlite::Error::SqliteFailure(f, m))
}

/// Run COMMIT on `slot`'s connection and tell the group how it went.
fn commit_group(slot: &mut Slot, commits: &AtomicU64) {
    let outcome = match slot.conn.as_ref() {
        Some(c) => {
            commits.fetch_add(1, Ordering::Relaxed);
            c.execute_batch("COMMIT").map_err(|e| {
                // A failed COMMIT leaves the transaction open: end it, so the next write starts
                // clean.
                if !c.is_autocommit() {
                    let _ = c.execute_batch("ROLLBACK");
                }
                shareable(&e)
            })
        }
        None => Err(shareable(&rusqlite::Error::InvalidQuery)),
    };
    if let Some(g) = slot.group.take() {
        g.send_replace(Some(outcome));
    }
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
            slot: Arc::new(Mutex::new(Slot {
                conn: Some(c),
                group: None,
            })),
            acquire_timeout,
            waiting: Arc::default(),
            commits: Arc::default(),
            grouping: std::env::var("WELLSPRING_SQLITE_GROUP_COMMIT").as_deref() != Ok("off"),
        })
    }

    /// Begin a write transaction: wait for the connection, then take SQLite's write lock at
    /// once (`BEGIN IMMEDIATE`), so the transaction never fails half-way on a lock upgrade — or,
    /// when a group's transaction is open on the connection, join it under a savepoint.
    pub(crate) async fn begin(&self) -> Result<DirectTx, StoreError> {
        // A write that waits this long is stuck (or the writer is overloaded): fail it, as
        // sqlx's pool did, rather than wait for ever.
        let guard = {
            let _queued = Queued::new(&self.waiting);
            tokio::time::timeout(self.acquire_timeout, self.slot.clone().lock_owned())
                .await
                .map_err(|_| StoreError::Db(sqlx::Error::PoolTimedOut))?
        };
        let mut guard = guard;
        let Some(c) = guard.conn.as_ref() else {
            return Err(StoreError::Point(rusqlite::Error::InvalidQuery));
        };
        if c.is_autocommit()
            && let Some(g) = guard.group.take()
        {
            // The group's transaction ended under it (SQLite rolls back on some errors): its
            // members' writes are gone; tell them, and start afresh.
            g.send_replace(Some(Err(lost_group())));
        }
        let Some(c) = guard.conn.as_ref() else {
            return Err(StoreError::Point(rusqlite::Error::InvalidQuery));
        };
        let leader = guard.group.is_none();
        c.execute_batch(if leader {
            "BEGIN IMMEDIATE"
        } else {
            "SAVEPOINT member"
        })?;
        Ok(DirectTx {
            guard: Some(guard),
            slot: self.slot.clone(),
            leader,
            waiting: self.waiting.clone(),
            commits: self.commits.clone(),
            grouping: self.grouping,
        })
    }

    /// COMMITs run so far.
    #[cfg(test)]
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Writes waiting for the connection now.
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Close the connection (after the transaction under way, if any, and its group's commit).
    pub(crate) async fn close(&self) {
        let mut slot = self.slot.lock().await;
        if slot.group.is_some() {
            commit_group(&mut slot, &self.commits);
        }
        slot.conn.take();
    }
}

/// A write transaction on the writer connection: a group's leader (it began the transaction)
/// or a member that joined it under a savepoint.
pub(crate) struct DirectTx {
    /// Held until the write is done; `None` once committed or rolled back.
    guard: Option<OwnedMutexGuard<Slot>>,
    slot: Arc<Mutex<Slot>>,
    leader: bool,
    waiting: Arc<AtomicUsize>,
    commits: Arc<AtomicU64>,
    grouping: bool,
}

impl DirectTx {
    /// Undo this write: the whole transaction for a leader (nothing of others is in it yet),
    /// back to its savepoint for a member (the group goes on).
    fn undo(&mut self) -> Result<(), StoreError> {
        let Some(g) = self.guard.take() else {
            return Ok(());
        };
        let Some(c) = g.conn.as_ref() else {
            return Ok(());
        };
        if self.leader {
            if !c.is_autocommit() {
                c.execute_batch("ROLLBACK")?;
            }
        } else if !c.is_autocommit() {
            c.execute_batch("ROLLBACK TO member; RELEASE member")?;
        }
        Ok(())
    }
}

impl Drop for DirectTx {
    fn drop(&mut self) {
        // Nothing to tell anyone: the caller gave up on the transaction.
        let _ = self.undo();
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

/// Run a statement on `c` (rows it returns are read and dropped); the number of rows changed.
pub(crate) fn execute(c: &Connection, sql: &str, args: &[Val]) -> Result<u64, StoreError> {
    run(args.len() >= BIG, || {
        let mut stmt = c.prepare_cached(sql)?;
        bind(&mut stmt, args)?;
        let mut rows = stmt.raw_query();
        while rows.next()?.is_some() {}
        Ok(c.changes())
    })
}

/// Run a query on `c` and decode every row.
pub(crate) fn fetch(
    c: &Connection,
    sql: &str,
    args: &[Val],
    kinds: &[Kind],
) -> Result<Vec<Row>, StoreError> {
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

impl DirectTx {
    fn conn(&self) -> Result<&Connection, StoreError> {
        self.guard
            .as_ref()
            .and_then(|g| g.conn.as_ref())
            .ok_or(StoreError::Point(rusqlite::Error::InvalidQuery))
    }

    /// Run a statement (rows it returns are read and dropped); the number of rows changed.
    pub(crate) fn execute(&mut self, sql: &str, args: &[Val]) -> Result<u64, StoreError> {
        execute(self.conn()?, sql, args)
    }

    /// Run a query and decode every row.
    pub(crate) fn fetch(
        &mut self,
        sql: &str,
        args: &[Val],
        kinds: &[Kind],
    ) -> Result<Vec<Row>, StoreError> {
        fetch(self.conn()?, sql, args, kinds)
    }

    /// Commit: returns once the COMMIT that carries this write has succeeded (this write's
    /// own, or its group's). On failure the write is undone when this is dropped.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        let mut g = self
            .guard
            .take()
            .ok_or(StoreError::Point(rusqlite::Error::InvalidQuery))?;
        let Some(c) = g.conn.as_ref() else {
            return Err(StoreError::Point(rusqlite::Error::InvalidQuery));
        };
        if !self.leader {
            // A member: keep its work in the group's transaction, hand the connection on, and
            // wait for the group's COMMIT.
            let released = if c.is_autocommit() {
                Err(lost())
            } else {
                c.execute_batch("RELEASE member").map_err(StoreError::from)
            };
            let group = g.group.as_ref().map(watch::Sender::subscribe);
            match (released, group) {
                (Ok(()), Some(rx)) => {
                    drop(g);
                    return outcome(rx).await;
                }
                (Err(e), _) => {
                    self.guard = Some(g);
                    return Err(e);
                }
                (Ok(()), None) => {
                    self.guard = Some(g);
                    return Err(lost());
                }
            }
        }
        if !self.grouping || self.waiting.load(Ordering::SeqCst) == 0 {
            // Nobody is waiting: commit alone, at once.
            self.commits.fetch_add(1, Ordering::Relaxed);
            if let Err(e) = c.execute_batch("COMMIT") {
                self.guard = Some(g);
                return Err(e.into());
            }
            return Ok(());
        }
        // Others are waiting: let them join, then commit them all. The COMMIT runs from a task
        // of its own, queued behind them, so it happens even if this caller goes away.
        let (tx, rx) = watch::channel(None);
        let ours = tx.subscribe();
        g.group = Some(tx);
        drop(g);
        let slot = self.slot.clone();
        let commits = self.commits.clone();
        tokio::spawn(async move {
            let mut s = slot.lock_owned().await;
            if s.group
                .as_ref()
                .is_some_and(|g| g.subscribe().same_channel(&ours))
            {
                commit_group(&mut s, &commits);
            }
        });
        outcome(rx).await
    }

    pub(crate) fn rollback(mut self) -> Result<(), StoreError> {
        self.undo()
    }
}

/// The group's transaction ended before its COMMIT (SQLite rolls a transaction back on some
/// errors): the writes in it are lost.
fn lost() -> StoreError {
    unshare(lost_group())
}

/// [`lost`], as the group's members are told it.
fn lost_group() -> (rusqlite::ffi::Error, Option<String>) {
    (
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
        Some("the write's group transaction was rolled back".to_owned()),
    )
}

/// Wait for a group's COMMIT and report it.
async fn outcome(mut rx: watch::Receiver<Outcome>) -> Result<(), StoreError> {
    let Ok(v) = rx.wait_for(Option::is_some).await else {
        return Err(lost());
    };
    match (*v).clone() {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => Err(unshare(e)),
        None => Err(lost()),
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

    /// Wait until `n` writes queue for the writer.
    async fn queued(d: &super::DirectWriter, n: usize) {
        let t0 = std::time::Instant::now();
        while d.waiting() < n {
            assert!(t0.elapsed().as_secs() < 20, "the writes never queued");
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
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

    /// Group commit (issue 17): writes that queue while one writes join its transaction and
    /// share one COMMIT; a write that fails inside the group is undone alone and the others are
    /// committed; none is told "done" before that COMMIT.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_writes_share_one_commit_and_a_failed_one_fails_alone() {
        let (s, dir) = store("group").await;
        let d = s.direct.clone().unwrap();
        let mut lead = s.begin().await.unwrap();
        lead.execute("INSERT INTO t (k, a) VALUES ('lead', 0)", &[])
            .await
            .unwrap();
        let before = d.commits();
        let mut tasks = Vec::new();
        for i in 0..8_i64 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let mut c = s.begin().await?;
                c.execute(
                    "INSERT INTO t (k, a) VALUES ($1, $2)",
                    &[Val::from(format!("m{i}")), Val::Int(i)],
                )
                .await?;
                if i == 3 {
                    // A duplicate key: this write gives up (its transaction is dropped).
                    c.execute("INSERT INTO t (k, a) VALUES ('lead', 1)", &[])
                        .await?;
                }
                c.commit().await
            }));
        }
        // Wait until all eight queue behind the leader.
        queued(&d, 8).await;
        // Nothing is committed yet: the readers see no row.
        assert!(rows(&s).await.is_empty());
        lead.commit().await.unwrap();
        for (i, t) in tasks.into_iter().enumerate() {
            let r = t.await.unwrap();
            if i == 3 {
                assert!(r.unwrap_err().is_unique_violation());
            } else {
                r.unwrap();
            }
        }
        assert_eq!(d.commits() - before, 1, "one COMMIT for the whole group");
        let keys: Vec<String> = rows(&s)
            .await
            .into_iter()
            .map(|r| r[0].clone().text())
            .collect();
        assert_eq!(
            keys,
            ["lead", "m0", "m1", "m2", "m4", "m5", "m6", "m7"],
            "every write but the failed one is committed, the failed one left nothing"
        );
        // Alone, a write commits at once (no one to wait for).
        let mut c = s.begin().await.unwrap();
        c.execute("INSERT INTO t (k, a) VALUES ('alone', 0)", &[])
            .await
            .unwrap();
        c.commit().await.unwrap();
        assert_eq!(d.commits() - before, 2);
        s.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A member of a group that is dropped after its work (the caller went away) leaves
    /// nothing; a leader that goes away after handing on still gets its group committed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_leader_that_goes_away_still_commits_its_group() {
        let (s, dir) = store("gone").await;
        let d = s.direct.clone().unwrap();
        let mut lead = s.begin().await.unwrap();
        lead.execute("INSERT INTO t (k, a) VALUES ('lead', 0)", &[])
            .await
            .unwrap();
        let s2 = s.clone();
        let member = tokio::spawn(async move {
            let mut c = s2.begin().await?;
            c.execute("INSERT INTO t (k, a) VALUES ('member', 1)", &[])
                .await?;
            c.commit().await
        });
        let s3 = s.clone();
        let dropped = tokio::spawn(async move {
            let mut c = s3.begin().await.unwrap();
            c.execute("INSERT INTO t (k, a) VALUES ('dropped', 2)", &[])
                .await
                .unwrap();
            drop(c);
        });
        queued(&d, 2).await;
        // The leader hands on, then its caller gives up waiting.
        let gave_up =
            tokio::time::timeout(std::time::Duration::from_micros(1), lead.commit()).await;
        drop(gave_up);
        member.await.unwrap().unwrap();
        dropped.await.unwrap();
        let keys: Vec<String> = rows(&s)
            .await
            .into_iter()
            .map(|r| r[0].clone().text())
            .collect();
        assert_eq!(keys, ["lead", "member"]);
        s.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A search's snapshot borrows a read connection and runs on the calling thread (issue 17):
    /// it sees what was committed before it began and not what is committed during it; when
    /// every such connection is lent, the pool answers instead.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn snapshots_read_on_the_calling_thread_and_fall_back_to_the_pool() {
        let (s, dir) = store("snap").await;
        let put = |k: &'static str| {
            let s = s.clone();
            async move {
                let mut c = s.begin().await.unwrap();
                c.execute("INSERT INTO t (k, a) VALUES ($1, 0)", &[Val::from(k)])
                    .await
                    .unwrap();
                c.commit().await.unwrap();
            }
        };
        let count = "SELECT COUNT(*) FROM t";
        put("one").await;
        let mut snap = s.snapshot().await.unwrap();
        assert!(matches!(snap.link, crate::db::Link::Snapshot(_)));
        assert_eq!(
            snap.fetch(count, &[], &[Kind::Int]).await.unwrap()[0][0].int(),
            1
        );
        put("two").await;
        assert_eq!(
            snap.fetch(count, &[], &[Kind::Int]).await.unwrap()[0][0].int(),
            1,
            "a snapshot does not see a commit made after it began"
        );
        drop(snap);
        let mut lent = Vec::new();
        loop {
            let mut c = s.snapshot().await.unwrap();
            assert_eq!(
                c.fetch(count, &[], &[Kind::Int]).await.unwrap()[0][0].int(),
                2
            );
            let on_pool = !matches!(c.link, crate::db::Link::Snapshot(_));
            lent.push(c);
            if on_pool {
                break;
            }
            assert!(lent.len() < 64, "the read connections were never all lent");
        }
        assert!(
            lent.len() >= 3,
            "at least two read connections, then the pool"
        );
        drop(lent);
        s.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
