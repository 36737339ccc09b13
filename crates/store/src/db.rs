//! The thin layer between Wellspring's SQL and the two back ends.
//!
//! Queries are written once, with `$1`-style placeholders that both SQLite and PostgreSQL accept,
//! and bound from a small value enum. Every value is bound; SQL text is assembled only from fixed
//! fragments (see `search.rs`), never from request data.

use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Postgres, Row as _, Sqlite, Transaction};

use std::sync::Arc;

use crate::StoreError;
use crate::callers::Watch;

/// A bound parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Int(i64),
    Text(String),
    NullText,
    NullInt,
    Bool(bool),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&String> for Val {
    fn from(v: &String) -> Self {
        Val::Text(v.clone())
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        v.map_or(Val::NullText, Val::Text)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Bool(v)
    }
}

/// The type of a column to read back.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Int,
    OptInt,
    Text,
    OptText,
    Bool,
}

/// A decoded column value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Int(i64),
    Text(String),
    Bool(bool),
    Null,
}

impl Cell {
    pub fn int(&self) -> i64 {
        match self {
            Cell::Int(i) => *i,
            Cell::Bool(b) => i64::from(*b),
            _ => 0,
        }
    }
    pub fn opt_int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn text(self) -> String {
        match self {
            Cell::Text(s) => s,
            _ => String::new(),
        }
    }
    pub fn opt_text(self) -> Option<String> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }
    pub fn bool(&self) -> bool {
        match self {
            Cell::Bool(b) => *b,
            Cell::Int(i) => *i != 0,
            _ => false,
        }
    }
}

pub type Row = Vec<Cell>;

/// A connection or transaction on either back end.
pub struct Conn {
    pub(crate) link: Link,
    /// Where a change to what callers may reach is announced (see [`crate::callers`]).
    pub(crate) watch: Option<Arc<Watch>>,
    /// This transaction changed what callers may reach: announce it once it commits.
    pub(crate) callers_changed: bool,
}

pub(crate) enum Link {
    SqliteTx(Transaction<'static, Sqlite>),
    PgTx(Transaction<'static, Postgres>),
    Sqlite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
    /// SQLite's writer on the calling thread (see [`crate::direct`]).
    Direct(crate::direct::DirectTx),
    /// A search's read transaction on the calling thread (see [`crate::point_reads`]).
    Snapshot(crate::point_reads::Snapshot),
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Val::Int(i) => q.bind(*i),
                Val::Text(s) => q.bind(s.clone()),
                Val::NullText => q.bind(Option::<String>::None),
                Val::NullInt => q.bind(Option::<i64>::None),
                Val::Bool(b) => q.bind(*b),
            };
        }
        q
    }};
}

macro_rules! bind_owned {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Val::Int(i) => q.bind(i),
                Val::Text(s) => q.bind(s),
                Val::NullText => q.bind(Option::<String>::None),
                Val::NullInt => q.bind(Option::<i64>::None),
                Val::Bool(b) => q.bind(b),
            };
        }
        q
    }};
}

macro_rules! decode_row {
    ($row:expr, $kinds:expr) => {{
        let row = $row;
        let mut out = Vec::with_capacity($kinds.len());
        for (i, k) in $kinds.iter().enumerate() {
            let cell = match k {
                Kind::Int => Cell::Int(row.try_get::<i64, _>(i)?),
                Kind::OptInt => row
                    .try_get::<Option<i64>, _>(i)?
                    .map_or(Cell::Null, Cell::Int),
                Kind::Text => Cell::Text(row.try_get::<String, _>(i)?),
                Kind::OptText => row
                    .try_get::<Option<String>, _>(i)?
                    .map_or(Cell::Null, Cell::Text),
                Kind::Bool => Cell::Bool(row.try_get::<bool, _>(i)?),
            };
            out.push(cell);
        }
        out
    }};
}

macro_rules! on_conn {
    ($self:expr, $c:ident, $body:expr) => {
        match &mut $self.link {
            Link::SqliteTx(t) => {
                let $c = &mut **t;
                $body
            }
            Link::Sqlite(p) => {
                let $c = &mut **p;
                $body
            }
            Link::PgTx(t) => {
                let $c = &mut **t;
                $body
            }
            Link::Pg(p) => {
                let $c = &mut **p;
                $body
            }
            Link::Direct(_) | Link::Snapshot(_) => unreachable!("answered before on_conn"),
        }
    };
}

impl Conn {
    pub(crate) fn new(link: Link, watch: Option<Arc<Watch>>) -> Conn {
        Conn {
            link,
            watch,
            callers_changed: false,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.link, Link::PgTx(_) | Link::Pg(_))
    }

    fn in_transaction(&self) -> bool {
        matches!(
            self.link,
            Link::PgTx(_) | Link::SqliteTx(_) | Link::Direct(_) | Link::Snapshot(_)
        )
    }

    /// Record that this write changes what some caller may reach (a token, a grant, an
    /// account, a Patient). On SQLite the epoch row moves inside the transaction, so other
    /// processes see the change and the new epoch together; every cache of resolved callers
    /// in this process is invalidated when the transaction commits (at once for a plain
    /// connection).
    pub(crate) async fn callers_changed(&mut self) -> Result<(), StoreError> {
        if self.callers_changed {
            return Ok(());
        }
        if !self.is_postgres() {
            self.execute("UPDATE callers_epoch SET n = n + 1 WHERE id = 1", &[])
                .await?;
        }
        self.callers_changed = true;
        if !self.in_transaction() {
            self.announce().await;
        }
        Ok(())
    }

    /// After the commit of a change to callers: advance the epoch here and for the others.
    async fn announce(&mut self) {
        self.callers_changed = false;
        if let Some(w) = self.watch.clone() {
            w.changed().await;
        }
    }

    /// Run a statement; returns the number of rows affected.
    pub async fn execute(&mut self, sql: &str, args: &[Val]) -> Result<u64, StoreError> {
        match &mut self.link {
            Link::Direct(d) => return d.execute(sql, args),
            Link::Snapshot(d) => return d.execute(sql, args),
            _ => {}
        }
        let sql = AssertSqlSafe(sql.to_owned());
        Ok(on_conn!(self, c, {
            bind_all!(sqlx::query(sql), args)
                .execute(c)
                .await?
                .rows_affected()
        }))
    }

    /// Run a statement, moving the arguments into it (no copies of large values).
    pub async fn execute_owned(&mut self, sql: String, args: Vec<Val>) -> Result<u64, StoreError> {
        match &mut self.link {
            Link::Direct(d) => return d.execute(&sql, &args),
            Link::Snapshot(d) => return d.execute(&sql, &args),
            _ => {}
        }
        let sql = AssertSqlSafe(sql);
        Ok(on_conn!(self, c, {
            bind_owned!(sqlx::query(sql), args)
                .execute(c)
                .await?
                .rows_affected()
        }))
    }

    /// Run a query and decode every row with the given column kinds.
    pub async fn fetch(
        &mut self,
        sql: &str,
        args: &[Val],
        kinds: &[Kind],
    ) -> Result<Vec<Row>, StoreError> {
        match &mut self.link {
            Link::Direct(d) => return d.fetch(sql, args, kinds),
            Link::Snapshot(d) => return d.fetch(sql, args, kinds),
            _ => {}
        }
        let sql = AssertSqlSafe(sql.to_owned());
        on_conn!(self, c, {
            let rows = bind_all!(sqlx::query(sql), args).fetch_all(c).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(decode_row!(r, kinds));
            }
            Ok(out)
        })
    }

    /// Run a query expected to return at most one row.
    pub async fn fetch_opt(
        &mut self,
        sql: &str,
        args: &[Val],
        kinds: &[Kind],
    ) -> Result<Option<Row>, StoreError> {
        match &mut self.link {
            Link::Direct(d) => return Ok(d.fetch(sql, args, kinds)?.into_iter().next()),
            Link::Snapshot(d) => return Ok(d.fetch(sql, args, kinds)?.into_iter().next()),
            _ => {}
        }
        let sql = AssertSqlSafe(sql.to_owned());
        on_conn!(self, c, {
            match bind_all!(sqlx::query(sql), args).fetch_optional(c).await? {
                Some(r) => Ok(Some(decode_row!(&r, kinds))),
                None => Ok(None),
            }
        })
    }

    /// Commit a transaction (a no-op for a plain connection).
    pub async fn commit(self) -> Result<(), StoreError> {
        let Conn {
            link,
            watch,
            callers_changed,
        } = self;
        match link {
            Link::SqliteTx(t) => t.commit().await?,
            Link::PgTx(t) => t.commit().await?,
            Link::Direct(d) => d.commit().await?,
            Link::Snapshot(_) | Link::Sqlite(_) | Link::Pg(_) => {}
        }
        if callers_changed && let Some(w) = watch {
            w.changed().await;
        }
        Ok(())
    }

    /// Roll back explicitly (dropping a transaction also rolls it back).
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.link {
            Link::SqliteTx(t) => t.rollback().await?,
            Link::PgTx(t) => t.rollback().await?,
            Link::Direct(d) => d.rollback()?,
            Link::Snapshot(_) | Link::Sqlite(_) | Link::Pg(_) => {}
        }
        Ok(())
    }
}

/// `$n` placeholder text.
pub fn ph(n: usize) -> String {
    format!("${n}")
}

impl Conn {
    /// Placeholder for the `n`th parameter of a statement whose parameters appear exactly once,
    /// in order. SQLite gets an anonymous `?`: binding a numbered parameter makes SQLite look its
    /// name up in a linear list, which is quadratic in a multi-row INSERT with thousands of
    /// parameters (it was half the ingest time).
    pub fn seq_ph(&self, n: usize) -> String {
        if self.is_postgres() {
            ph(n)
        } else {
            "?".to_owned()
        }
    }
}
