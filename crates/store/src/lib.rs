//! Wellspring's store: FHIR R4 resources kept versioned, with search indexes extracted at write
//! time, plus the operational tables (audit log, export jobs) — on SQLite or PostgreSQL, chosen by
//! the database URL. The only crate that speaks SQL.

mod callers;
mod clock;
mod db;
mod direct;
pub mod identity;
mod point_reads;
pub mod resources;
pub mod search;
pub mod texts;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use callers::{POLL as CALLERS_POLL, STALE as CALLERS_STALE};
pub use clock::Clock;
pub use db::{Cell, Conn, Kind, Row, Val};
pub use resources::{
    AuditRecord, ExportJob, HistoryQuery, StoredResource, VersionRef, Write, WriteOutcome,
};
pub use search::{
    Cond, Cursor, DatePrefix, Filter, SearchPage, SearchQuery, SortKey, SortKind, StrMode,
};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static PG_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Errors from the store. Mapped to HTTP in one place (the web crate).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://...")]
    BadUrl(String),
    /// Optimistic-concurrency failure: the resource is not at the expected version.
    #[error("version conflict on {res_type}/{id}: expected version {expected:?}, found {found:?}")]
    VersionConflict {
        res_type: String,
        id: String,
        expected: Option<i64>,
        found: Option<i64>,
    },
    #[error("invalid search cursor")]
    BadCursor,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Point(#[from] rusqlite::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// True for a unique-constraint violation (someone else wrote the same key first).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => {
                matches!(e.kind(), sqlx::error::ErrorKind::UniqueViolation)
            }
            StoreError::Point(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.extended_code,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            ),
            _ => false,
        }
    }
}

/// Which database engine backs a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone)]
pub(crate) enum Pools {
    /// SQLite: one writer connection (writers queue in-process instead of spinning on
    /// SQLITE_BUSY) and a pool of readers (WAL lets them run beside the writer).
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Pg(PgPool),
}

/// Tuning for opening a store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(30),
        }
    }
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pools: Pools,
    watch: std::sync::Arc<callers::Watch>,
    /// SQLite: reads by id on the calling thread (see `point_reads`).
    point: Option<std::sync::Arc<point_reads::PointReads>>,
    /// SQLite: the writer on the calling thread (see `direct`).
    direct: Option<std::sync::Arc<direct::DirectWriter>>,
}

impl Store {
    /// Open a store from a URL: `sqlite://PATH` (file created, with its directory, on first use)
    /// or `postgres://…`. Runs no migrations; call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Self::connect_with(url, &StoreOptions::default()).await
    }

    pub async fn connect_with(url: &str, opts: &StoreOptions) -> Result<Store, StoreError> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::BadUrl(url.to_owned()));
            }
            if let Some(dir) = std::path::Path::new(path).parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir)?;
            }
            let base = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(false)
                .pragma("cache_size", "-65536")
                .pragma("temp_store", "memory")
                // Map the file (SQLite clamps this to its compile-time maximum): page reads
                // become page faults on the OS cache instead of a copy per read() call.
                .pragma("mmap_size", "17179869184")
                .statement_cache_capacity(256);
            // The writer keeps a large page cache: index inserts touch pages all over big
            // B-trees, and a profile of a 1M-resource ingest showed most writer time spent
            // re-reading pages that a 64 MiB cache had dropped.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(base.clone().pragma("cache_size", "-1048576"))
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(opts.max_connections.max(1))
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(base)
                .await?;
            let cores = std::thread::available_parallelism().map_or(2, usize::from);
            let n = (cores * 2).clamp(2, opts.max_connections.max(2) as usize);
            let mut store = Store::with_pools(Pools::Sqlite { read, write });
            if !path.contains(":memory:") && !url.contains("mode=memory") {
                store.point = Some(std::sync::Arc::new(point_reads::PointReads::open(path, n)?));
                // `WELLSPRING_SQLITE_WRITER=pool` keeps sqlx's writer (to compare; see
                // docs/BENCHMARKS.md).
                if std::env::var("WELLSPRING_SQLITE_WRITER").as_deref() != Ok("pool") {
                    store.direct = Some(std::sync::Arc::new(direct::DirectWriter::open(
                        path,
                        opts.acquire_timeout,
                    )?));
                }
            }
            Ok(store)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Custom plans for every execution: statements are prepared and cached per
            // connection, and after five runs PostgreSQL would switch to a generic plan that
            // cannot see which filter is selective (`target_id = $8` of a chained or reference
            // search); a search that takes 4 ms with its values took 7 s that way. Planning each
            // time costs about a millisecond. See docs/BENCHMARKS.md.
            let o = PgConnectOptions::from_str(url)?
                .statement_cache_capacity(256)
                .options([("plan_cache_mode", "force_custom_plan")]);
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections.max(2))
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(o)
                .await?;
            Ok(Store::with_pools(Pools::Pg(pool)))
        } else {
            Err(StoreError::BadUrl(url.to_owned()))
        }
    }

    fn with_pools(pools: Pools) -> Store {
        Store {
            watch: std::sync::Arc::new(callers::Watch::new(pools.clone())),
            pools,
            point: None,
            direct: None,
        }
    }

    fn conn(&self, link: db::Link) -> Conn {
        Conn::new(link, Some(self.watch.clone()))
    }

    /// The callers' epoch (see [`callers`]): a cache of resolved callers may serve an entry only
    /// while this is the epoch it was computed under; `None` means cache nothing now.
    pub async fn callers_epoch(&self) -> Option<u64> {
        self.watch.epoch().await
    }

    /// The current version of a resource, tombstones included (what [`Conn::read`] answers), on
    /// SQLite without a trip through the pool when a point-read connection is free.
    pub async fn read_resource(
        &self,
        res_type: &str,
        id: &str,
    ) -> Result<Option<StoredResource>, StoreError> {
        if let Some(r) = self.point.as_ref().and_then(|p| p.read(res_type, id)) {
            return r;
        }
        self.reader().await?.read(res_type, id).await
    }

    /// One version of a resource (what [`Conn::vread`] answers), as [`Store::read_resource`].
    pub async fn vread_resource(
        &self,
        res_type: &str,
        id: &str,
        version: i64,
    ) -> Result<Option<StoredResource>, StoreError> {
        if let Some(r) = self
            .point
            .as_ref()
            .and_then(|p| p.vread(res_type, id, version))
        {
            return r;
        }
        self.reader().await?.vread(res_type, id, version).await
    }

    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Pg(_) => Backend::Postgres,
        }
    }

    /// Apply pending schema migrations for this back end.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Pools::Pg(p) => PG_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Is the database reachable (and migrated)?
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut c = self.reader().await?;
        c.fetch("SELECT COUNT(*) FROM _sqlx_migrations", &[], &[Kind::Int])
            .await?;
        Ok(())
    }

    /// Begin a write transaction. On SQLite it holds the single writer connection and takes the
    /// write lock at once (`BEGIN IMMEDIATE`), so it can never fail half-way on a lock upgrade.
    pub async fn begin(&self) -> Result<Conn, StoreError> {
        if let Some(d) = &self.direct {
            return Ok(self.conn(db::Link::Direct(d.begin().await?)));
        }
        Ok(match &self.pools {
            Pools::Sqlite { write, .. } => self.conn(db::Link::SqliteTx(
                write.begin_with("BEGIN IMMEDIATE").await?,
            )),
            Pools::Pg(p) => self.conn(db::Link::PgTx(p.begin().await?)),
        })
    }

    /// A connection for reads (no transaction).
    pub async fn reader(&self) -> Result<Conn, StoreError> {
        Ok(match &self.pools {
            Pools::Sqlite { read, .. } => self.conn(db::Link::Sqlite(read.acquire().await?)),
            Pools::Pg(p) => self.conn(db::Link::Pg(p.acquire().await?)),
        })
    }

    /// A read-only snapshot transaction (consistent reads across several queries).
    pub async fn snapshot(&self) -> Result<Conn, StoreError> {
        // SQLite: on the calling thread when a read connection is free (see `point_reads`).
        if let Some(s) = self.point.as_ref().and_then(|p| p.lend()) {
            return Ok(self.conn(db::Link::Snapshot(s?)));
        }
        Ok(match &self.pools {
            Pools::Sqlite { read, .. } => self.conn(db::Link::SqliteTx(read.begin().await?)),
            Pools::Pg(p) => self.conn(db::Link::PgTx(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            )),
        })
    }

    /// Refresh the query planner's statistics (after a bulk load). Without them SQLite picks
    /// poor indexes for multi-parameter searches on large tables. Bounded on SQLite
    /// (`analysis_limit`) so it takes seconds, not minutes, on millions of rows.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite { write, .. } => {
                let mut c = self.conn(db::Link::Sqlite(write.acquire().await?));
                c.execute("PRAGMA analysis_limit = 2000", &[]).await?;
                c.execute("ANALYZE", &[]).await?;
            }
            Pools::Pg(p) => {
                let mut c = self.conn(db::Link::Pg(p.acquire().await?));
                c.execute("ANALYZE", &[]).await?;
            }
        }
        Ok(())
    }

    /// Close all connections (SQLite checkpoints its WAL on close).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { read, write } => {
                if let Some(p) = &self.point {
                    p.close().await;
                }
                if let Some(d) = &self.direct {
                    d.close().await;
                }
                read.close().await;
                write.close().await;
            }
            Pools::Pg(p) => p.close().await,
        }
    }
}
