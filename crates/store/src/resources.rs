//! Versioned resources, their search-index rows, history, the audit log and export jobs.

use ws_fhir::search_params::Extracted;

use crate::StoreError;
use crate::db::{Cell, Conn, Kind, Row, Val, ph};

/// One stored version of a resource (the current one, or one from history).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResource {
    pub res_type: String,
    pub id: String,
    pub version: i64,
    /// Microseconds since the Unix epoch.
    pub last_updated: i64,
    pub deleted: bool,
    /// The patient compartment ('' for shared resources).
    pub compartment: String,
    /// The resource JSON (with `meta.versionId` and `meta.lastUpdated` set); `None` for a tombstone.
    pub content: Option<String>,
}

pub(crate) const RES_COLS: &str =
    "res_type, id, version, last_updated, deleted, compartment, content";
pub(crate) const RES_KINDS: &[Kind] = &[
    Kind::Text,
    Kind::Text,
    Kind::Int,
    Kind::Int,
    Kind::Bool,
    Kind::Text,
    Kind::OptText,
];

pub(crate) fn stored_from_row(row: Row) -> StoredResource {
    let mut it = row.into_iter();
    let mut next = || it.next().unwrap_or(Cell::Null);
    let res_type = next().text();
    let id = next().text();
    let version = next().int();
    let last_updated = next().int();
    let deleted = next().bool();
    let compartment = next().text();
    let content = next().opt_text();
    StoredResource {
        res_type,
        id,
        version,
        last_updated,
        deleted,
        compartment,
        content,
    }
}

/// The version a resource is at, as far as a writer needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRef {
    pub version: i64,
    pub deleted: bool,
}

/// A new version to write.
#[derive(Debug, Clone)]
pub struct Write {
    pub res_type: String,
    pub id: String,
    /// The version the resource is at now (`None`: it must not exist yet). The new version is
    /// `prev + 1` (or 1); a mismatch fails with [`StoreError::VersionConflict`] and writes nothing.
    pub prev_version: Option<i64>,
    /// The new JSON, or `None` to write a tombstone (delete).
    pub content: Option<String>,
    pub index: Extracted,
    pub last_updated: i64,
}

impl Write {
    pub fn new_version(&self) -> i64 {
        self.prev_version.map_or(1, |v| v + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOutcome {
    pub version: i64,
    pub created: bool,
}

/// Which history to list.
#[derive(Debug, Clone, Default)]
pub struct HistoryQuery {
    pub res_type: Option<String>,
    pub id: Option<String>,
    /// Only versions updated at or after this instant (`_since`).
    pub since: Option<i64>,
    /// Snapshot bound: only versions updated at or before this instant, so paging is stable.
    pub at_or_before: Option<i64>,
    pub offset: i64,
    pub count: i64,
}

/// One access to record in the append-only audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub recorded_at: i64,
    pub actor: String,
    pub acting_for: Option<String>,
    pub purpose: Option<String>,
    pub action: String,
    pub res_type: Option<String>,
    pub res_id: Option<String>,
    pub compartment: Option<String>,
    pub outcome: String,
    pub detail: Option<String>,
    pub source: Option<String>,
}

/// A Bulk Data export job.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportJob {
    pub id: String,
    pub created_at: i64,
    pub status: String,
    pub request: String,
    pub params: String,
    pub output: Option<String>,
    pub error: Option<String>,
    pub finished_at: Option<i64>,
}

const SQLITE_MAX_PARAMS: usize = 32_000;

/// Append rows to a table in multi-row INSERTs sized to stay under the parameter limit.
async fn insert_rows(
    conn: &mut Conn,
    table_and_cols: &str,
    ncols: usize,
    rows: Vec<Vec<Val>>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let per_stmt = (SQLITE_MAX_PARAMS / ncols).clamp(1, 1000);
    // Index rows are a set: a value extracted twice for one resource is stored once.
    let on_conflict = if table_and_cols.starts_with("idx_") {
        " ON CONFLICT DO NOTHING"
    } else {
        ""
    };
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_stmt).collect();
        let mut sql = String::with_capacity(64 + chunk.len() * ncols * 5);
        sql.push_str("INSERT INTO ");
        sql.push_str(table_and_cols);
        sql.push_str(" VALUES ");
        let mut args = Vec::with_capacity(chunk.len() * ncols);
        let mut n = 0;
        for (i, row) in chunk.into_iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for j in 0..ncols {
                if j > 0 {
                    sql.push(',');
                }
                n += 1;
                sql.push_str(&conn.seq_ph(n));
            }
            sql.push(')');
            args.extend(row);
        }
        sql.push_str(on_conflict);
        conn.execute_owned(sql, args).await?;
    }
    Ok(())
}

fn index_rows(w: &Write, out: &mut IndexBatch) {
    let comp = w.index.compartment.clone().unwrap_or_default();
    for s in &w.index.strings {
        out.strings.push(vec![
            Val::from(&w.res_type),
            Val::from(&w.id),
            Val::from(s.param),
            Val::from(&s.norm),
            Val::from(&s.exact),
            Val::from(&comp),
        ]);
    }
    for t in &w.index.tokens {
        out.tokens.push(vec![
            Val::from(&w.res_type),
            Val::from(&w.id),
            Val::from(t.param),
            Val::Text(t.system.clone().unwrap_or_default()),
            Val::from(&t.code),
            Val::from(&comp),
        ]);
    }
    for r in &w.index.references {
        out.refs.push(vec![
            Val::from(&w.res_type),
            Val::from(&w.id),
            Val::from(r.param),
            Val::from(&r.target_type),
            Val::from(&r.target_id),
            Val::from(&comp),
        ]);
    }
    for d in &w.index.dates {
        out.dates.push(vec![
            Val::from(&w.res_type),
            Val::from(&w.id),
            Val::from(d.param),
            Val::Int(d.lo),
            Val::Int(d.hi),
            Val::from(&comp),
        ]);
    }
}

#[derive(Default)]
struct IndexBatch {
    strings: Vec<Vec<Val>>,
    tokens: Vec<Vec<Val>>,
    refs: Vec<Vec<Val>>,
    dates: Vec<Vec<Val>>,
}

/// Order rows by the given columns (their table's key order). A batch inserted in key order
/// walks each B-tree once from left to right instead of descending into random leaves per row.
fn sort_rows(rows: &mut [Vec<Val>], key: &[usize]) {
    fn cmp(a: &Val, b: &Val) -> std::cmp::Ordering {
        match (a, b) {
            (Val::Int(x), Val::Int(y)) => x.cmp(y),
            (Val::Text(x), Val::Text(y)) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        }
    }
    rows.sort_unstable_by(|a, b| {
        key.iter()
            .map(|&k| cmp(&a[k], &b[k]))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

impl IndexBatch {
    async fn insert(mut self, conn: &mut Conn) -> Result<(), StoreError> {
        // Columns: res_type 0, res_id 1, param 2, then the table's own three (see index_rows).
        sort_rows(&mut self.strings, &[0, 2, 3, 4, 1]);
        sort_rows(&mut self.tokens, &[0, 2, 4, 3, 1]);
        sort_rows(&mut self.refs, &[4, 3, 0, 2, 1]);
        sort_rows(&mut self.dates, &[0, 2, 3, 4, 1]);
        insert_rows(
            conn,
            "idx_string (res_type, res_id, param, norm, exact, compartment)",
            6,
            self.strings,
        )
        .await?;
        insert_rows(
            conn,
            "idx_token (res_type, res_id, param, system, code, compartment)",
            6,
            self.tokens,
        )
        .await?;
        insert_rows(
            conn,
            "idx_reference (res_type, res_id, param, target_type, target_id, compartment)",
            6,
            self.refs,
        )
        .await?;
        insert_rows(
            conn,
            "idx_date (res_type, res_id, param, lo, hi, compartment)",
            6,
            self.dates,
        )
        .await
    }
}

/// Does this write change what some caller may reach (see [`Conn::callers_changed`])?
fn changes_callers(w: &Write) -> bool {
    w.res_type == "Patient"
        && (w.prev_version.is_some()
            || w.content
                .as_deref()
                .is_none_or(|c| c.contains("\"generalPractitioner\"")))
}

impl Conn {
    /// The current version of a resource, tombstones included.
    pub async fn read(
        &mut self,
        res_type: &str,
        id: &str,
    ) -> Result<Option<StoredResource>, StoreError> {
        let sql = format!("SELECT {RES_COLS} FROM resources WHERE res_type = $1 AND id = $2");
        Ok(self
            .fetch_opt(&sql, &[res_type.into(), id.into()], RES_KINDS)
            .await?
            .map(stored_from_row))
    }

    /// Several current, non-deleted resources of one type.
    pub async fn read_many(
        &mut self,
        res_type: &str,
        ids: &[String],
    ) -> Result<Vec<StoredResource>, StoreError> {
        self.read_ids(res_type, ids, false).await
    }

    /// The current versions of several resources of one type, tombstones included (what a
    /// batch of updates needs: version, deleted flag and the stored content to authorize).
    pub async fn read_current(
        &mut self,
        res_type: &str,
        ids: &[String],
    ) -> Result<Vec<StoredResource>, StoreError> {
        self.read_ids(res_type, ids, true).await
    }

    async fn read_ids(
        &mut self,
        res_type: &str,
        ids: &[String],
        with_deleted: bool,
    ) -> Result<Vec<StoredResource>, StoreError> {
        let mut out = Vec::new();
        let live = if with_deleted {
            ""
        } else {
            " AND deleted = FALSE"
        };
        for chunk in ids.chunks(500) {
            let mut sql = format!(
                "SELECT {RES_COLS} FROM resources WHERE res_type = {}{live} AND id IN (",
                self.seq_ph(1)
            );
            let mut args = vec![Val::from(res_type)];
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&self.seq_ph(i + 2));
                args.push(Val::from(id));
            }
            sql.push_str(") ORDER BY id");
            out.extend(
                self.fetch(&sql, &args, RES_KINDS)
                    .await?
                    .into_iter()
                    .map(stored_from_row),
            );
        }
        Ok(out)
    }

    /// One specific version (current or historical).
    pub async fn vread(
        &mut self,
        res_type: &str,
        id: &str,
        version: i64,
    ) -> Result<Option<StoredResource>, StoreError> {
        let sql = format!(
            "SELECT {RES_COLS} FROM resources WHERE res_type = $1 AND id = $2 AND version = $3 \
             UNION ALL SELECT {RES_COLS} FROM resource_history WHERE res_type = $1 AND id = $2 AND version = $3"
        );
        Ok(self
            .fetch_opt(
                &sql,
                &[res_type.into(), id.into(), version.into()],
                RES_KINDS,
            )
            .await?
            .map(stored_from_row))
    }

    /// Current versions of the given ids of one type (missing ids are absent from the result).
    pub async fn current_versions(
        &mut self,
        res_type: &str,
        ids: &[&str],
    ) -> Result<std::collections::HashMap<String, VersionRef>, StoreError> {
        let mut out = std::collections::HashMap::new();
        for chunk in ids.chunks(900) {
            let mut sql = format!(
                "SELECT id, version, deleted FROM resources WHERE res_type = {} AND id IN (",
                self.seq_ph(1)
            );
            let mut args = vec![Val::from(res_type)];
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&self.seq_ph(i + 2));
                args.push(Val::from(*id));
            }
            sql.push(')');
            for row in self
                .fetch(&sql, &args, &[Kind::Text, Kind::Int, Kind::Bool])
                .await?
            {
                let mut it = row.into_iter();
                if let (Some(id), Some(v), Some(d)) = (it.next(), it.next(), it.next()) {
                    out.insert(
                        id.text(),
                        VersionRef {
                            version: v.int(),
                            deleted: d.bool(),
                        },
                    );
                }
            }
        }
        Ok(out)
    }

    /// Write one new version (create, update or delete), keeping the old one in history.
    pub async fn put(&mut self, w: &Write) -> Result<WriteOutcome, StoreError> {
        self.put_many(std::slice::from_ref(w))
            .await?
            .pop()
            .ok_or(StoreError::BadCursor)
    }

    /// Write many new versions in this transaction. New resources go in multi-row inserts;
    /// existing ones move their current version to history first. Any version mismatch fails
    /// the whole call (the caller's transaction should then be dropped).
    pub async fn put_many<W: std::borrow::Borrow<Write> + Sync>(
        &mut self,
        writes: &[W],
    ) -> Result<Vec<WriteOutcome>, StoreError> {
        let mut outcomes = Vec::with_capacity(writes.len());
        let mut new_rows: Vec<Vec<Val>> = Vec::new();
        let mut idx = IndexBatch::default();
        for w in writes {
            let w: &Write = w.borrow();
            let version = w.new_version();
            let comp = w.index.compartment.clone().unwrap_or_default();
            match w.prev_version {
                None => {
                    new_rows.push(vec![
                        Val::from(&w.res_type),
                        Val::from(&w.id),
                        Val::Int(version),
                        Val::Int(w.last_updated),
                        Val::Bool(w.content.is_none()),
                        Val::from(comp),
                        Val::from(w.content.clone()),
                    ]);
                }
                Some(prev) => {
                    let key = [Val::from(&w.res_type), Val::from(&w.id), Val::Int(prev)];
                    let moved = self
                        .execute(
                            "INSERT INTO resource_history (res_type, id, version, last_updated, deleted, compartment, content) \
                             SELECT res_type, id, version, last_updated, deleted, compartment, content FROM resources \
                             WHERE res_type = $1 AND id = $2 AND version = $3",
                            &key,
                        )
                        .await;
                    let moved = match moved {
                        Ok(n) => n,
                        // Another writer moved this version first. On PostgreSQL the transaction
                        // is now aborted: report the conflict without touching it again.
                        Err(e) if e.is_unique_violation() => {
                            return Err(StoreError::VersionConflict {
                                res_type: w.res_type.clone(),
                                id: w.id.clone(),
                                expected: Some(prev),
                                found: None,
                            });
                        }
                        Err(e) => return Err(e),
                    };
                    if moved != 1 {
                        let found = self.read(&w.res_type, &w.id).await?.map(|r| r.version);
                        return Err(StoreError::VersionConflict {
                            res_type: w.res_type.clone(),
                            id: w.id.clone(),
                            expected: Some(prev),
                            found,
                        });
                    }
                    self.execute(
                        "UPDATE resources SET version = $4, last_updated = $5, deleted = $6, compartment = $7, content = $8 \
                         WHERE res_type = $1 AND id = $2 AND version = $3",
                        &[
                            key[0].clone(),
                            key[1].clone(),
                            key[2].clone(),
                            Val::Int(version),
                            Val::Int(w.last_updated),
                            Val::Bool(w.content.is_none()),
                            Val::from(comp),
                            Val::from(w.content.clone()),
                        ],
                    )
                    .await?;
                    self.delete_index(&w.res_type, &w.id).await?;
                }
            }
            if w.content.is_some() {
                index_rows(w, &mut idx);
            }
            outcomes.push(WriteOutcome {
                version,
                created: w.prev_version.is_none(),
            });
        }
        if let Err(e) = insert_rows(
            self,
            "resources (res_type, id, version, last_updated, deleted, compartment, content)",
            7,
            new_rows,
        )
        .await
        {
            if e.is_unique_violation() {
                return Err(StoreError::VersionConflict {
                    res_type: writes
                        .first()
                        .map(|w| w.borrow().res_type.clone())
                        .unwrap_or_default(),
                    id: if writes.len() == 1 {
                        writes[0].borrow().id.clone()
                    } else {
                        String::new()
                    },
                    expected: None,
                    found: Some(0),
                });
            }
            return Err(e);
        }
        idx.insert(self).await?;
        // A Patient's birth date, state, links and doctor decide what proxies and clinicians
        // may reach: resolved callers cached anywhere must be recomputed. A new Patient that
        // names no doctor changes nobody's reach (grants and accounts name existing records),
        // so creating members in bulk does not empty the caches.
        if writes.iter().any(|w| changes_callers(w.borrow())) {
            self.callers_changed().await?;
        }
        Ok(outcomes)
    }

    async fn delete_index(&mut self, res_type: &str, id: &str) -> Result<(), StoreError> {
        let args = [Val::from(res_type), Val::from(id)];
        for t in ["idx_string", "idx_token", "idx_reference", "idx_date"] {
            self.execute(
                &format!("DELETE FROM {t} WHERE res_type = $1 AND res_id = $2"),
                &args,
            )
            .await?;
        }
        Ok(())
    }

    /// History entries, newest first, and the total number matching.
    pub async fn history(
        &mut self,
        q: &HistoryQuery,
    ) -> Result<(Vec<StoredResource>, i64), StoreError> {
        let mut cond = String::from("1=1");
        let mut args: Vec<Val> = Vec::new();
        if let Some(t) = &q.res_type {
            args.push(Val::from(t));
            cond.push_str(&format!(" AND res_type = {}", ph(args.len())));
        }
        if let Some(id) = &q.id {
            args.push(Val::from(id));
            cond.push_str(&format!(" AND id = {}", ph(args.len())));
        }
        if let Some(s) = q.since {
            args.push(Val::Int(s));
            cond.push_str(&format!(" AND last_updated >= {}", ph(args.len())));
        }
        if let Some(b) = q.at_or_before {
            args.push(Val::Int(b));
            cond.push_str(&format!(" AND last_updated <= {}", ph(args.len())));
        }
        let union = format!(
            "SELECT {RES_COLS} FROM resources WHERE {cond} UNION ALL SELECT {RES_COLS} FROM resource_history WHERE {cond}"
        );
        let total = self
            .fetch_opt(
                &format!("SELECT COUNT(*) FROM ({union}) h"),
                &args,
                &[Kind::Int],
            )
            .await?
            .and_then(|r| r.first().map(Cell::int))
            .unwrap_or(0);
        let mut page_args = args.clone();
        page_args.push(Val::Int(q.count));
        page_args.push(Val::Int(q.offset));
        let sql = format!(
            "SELECT {RES_COLS} FROM ({union}) h ORDER BY last_updated DESC, res_type, id, version DESC LIMIT {} OFFSET {}",
            ph(args.len() + 1),
            ph(args.len() + 2)
        );
        let rows = self.fetch(&sql, &page_args, RES_KINDS).await?;
        Ok((rows.into_iter().map(stored_from_row).collect(), total))
    }

    /// Append audit records (one multi-row insert).
    pub async fn append_audit(&mut self, records: &[AuditRecord]) -> Result<(), StoreError> {
        let rows: Vec<Vec<Val>> = records
            .iter()
            .map(|r| {
                vec![
                    Val::Int(r.recorded_at),
                    Val::from(&r.actor),
                    Val::from(r.acting_for.clone()),
                    Val::from(r.purpose.clone()),
                    Val::from(&r.action),
                    Val::from(r.res_type.clone()),
                    Val::from(r.res_id.clone()),
                    Val::from(r.compartment.clone()),
                    Val::from(&r.outcome),
                    Val::from(r.detail.clone()),
                    Val::from(r.source.clone()),
                ]
            })
            .collect();
        insert_rows(
            self,
            "audit_log (recorded_at, actor, acting_for, purpose, action, res_type, res_id, compartment, outcome, detail, source)",
            11,
            rows,
        )
        .await
    }

    /// Audit records, oldest first, optionally only those after `after_seq` or about one compartment.
    pub async fn list_audit(
        &mut self,
        compartment: Option<&str>,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<(i64, AuditRecord)>, StoreError> {
        self.audit_page(compartment, after_seq, false, limit).await
    }

    /// Audit records about one compartment, newest first, older than `before_seq`
    /// ("who looked at my record").
    pub async fn list_audit_newest(
        &mut self,
        compartment: &str,
        before_seq: i64,
        limit: i64,
    ) -> Result<Vec<(i64, AuditRecord)>, StoreError> {
        self.audit_page(Some(compartment), before_seq, true, limit)
            .await
    }

    async fn audit_page(
        &mut self,
        compartment: Option<&str>,
        bound: i64,
        newest_first: bool,
        limit: i64,
    ) -> Result<Vec<(i64, AuditRecord)>, StoreError> {
        let mut args = vec![Val::Int(bound)];
        let mut sql = format!(
            "SELECT seq, recorded_at, actor, acting_for, purpose, action, res_type, res_id, compartment, outcome, detail, source \
             FROM audit_log WHERE seq {} $1",
            if newest_first { "<" } else { ">" }
        );
        if let Some(c) = compartment {
            args.push(Val::from(c));
            sql.push_str(" AND compartment = $2");
        }
        args.push(Val::Int(limit));
        sql.push_str(&format!(
            " ORDER BY seq {} LIMIT {}",
            if newest_first { "DESC" } else { "ASC" },
            ph(args.len())
        ));
        use Kind::*;
        let rows = self
            .fetch(
                &sql,
                &args,
                &[
                    Int, Int, Text, OptText, OptText, Text, OptText, OptText, OptText, Text,
                    OptText, OptText,
                ],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let mut it = r.into_iter();
                let mut n = || it.next().unwrap_or(Cell::Null);
                let seq = n().int();
                (
                    seq,
                    AuditRecord {
                        recorded_at: n().int(),
                        actor: n().text(),
                        acting_for: n().opt_text(),
                        purpose: n().opt_text(),
                        action: n().text(),
                        res_type: n().opt_text(),
                        res_id: n().opt_text(),
                        compartment: n().opt_text(),
                        outcome: n().text(),
                        detail: n().opt_text(),
                        source: n().opt_text(),
                    },
                )
            })
            .collect())
    }

    /// Count audit records (optionally for one action).
    pub async fn count_audit(&mut self) -> Result<i64, StoreError> {
        Ok(self
            .fetch_opt("SELECT COUNT(*) FROM audit_log", &[], &[Kind::Int])
            .await?
            .and_then(|r| r.first().map(Cell::int))
            .unwrap_or(0))
    }

    pub async fn insert_export_job(&mut self, j: &ExportJob) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO export_jobs (id, created_at, status, request, params) VALUES ($1, $2, $3, $4, $5)",
            &[
                Val::from(&j.id),
                Val::Int(j.created_at),
                Val::from(&j.status),
                Val::from(&j.request),
                Val::from(&j.params),
            ],
        )
        .await?;
        Ok(())
    }

    pub async fn update_export_job(
        &mut self,
        id: &str,
        status: &str,
        output: Option<String>,
        error: Option<String>,
        finished_at: Option<i64>,
    ) -> Result<(), StoreError> {
        self.execute(
            "UPDATE export_jobs SET status = $2, output = $3, error = $4, finished_at = $5 WHERE id = $1",
            &[
                Val::from(id),
                Val::from(status),
                Val::from(output),
                Val::from(error),
                finished_at.map_or(Val::NullText, Val::Int),
            ],
        )
        .await?;
        Ok(())
    }

    pub async fn export_job(&mut self, id: &str) -> Result<Option<ExportJob>, StoreError> {
        use Kind::*;
        let row = self
            .fetch_opt(
                "SELECT id, created_at, status, request, params, output, error, finished_at FROM export_jobs WHERE id = $1",
                &[Val::from(id)],
                &[Text, Int, Text, Text, Text, OptText, OptText, OptInt],
            )
            .await?;
        Ok(row.map(|r| {
            let mut it = r.into_iter();
            let mut n = || it.next().unwrap_or(Cell::Null);
            ExportJob {
                id: n().text(),
                created_at: n().int(),
                status: n().text(),
                request: n().text(),
                params: n().text(),
                output: n().opt_text(),
                error: n().opt_text(),
                finished_at: n().opt_int(),
            }
        }))
    }

    pub async fn delete_export_job(&mut self, id: &str) -> Result<u64, StoreError> {
        self.execute("DELETE FROM export_jobs WHERE id = $1", &[Val::from(id)])
            .await
    }

    /// Stream-friendly scan of current resources of a type, in id order, after `after_id`.
    /// Used by export; `compartment` restricts to one patient's compartment.
    pub async fn scan(
        &mut self,
        res_type: &str,
        after_id: &str,
        since: Option<i64>,
        compartment: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StoredResource>, StoreError> {
        let mut args = vec![Val::from(res_type), Val::from(after_id)];
        let mut sql = format!(
            "SELECT {RES_COLS} FROM resources WHERE res_type = $1 AND id > $2 AND deleted = FALSE"
        );
        if let Some(s) = since {
            args.push(Val::Int(s));
            sql.push_str(&format!(" AND last_updated >= {}", ph(args.len())));
        }
        if let Some(c) = compartment {
            args.push(Val::from(c));
            sql.push_str(&format!(" AND compartment = {}", ph(args.len())));
        }
        args.push(Val::Int(limit));
        sql.push_str(&format!(" ORDER BY id LIMIT {}", ph(args.len())));
        Ok(self
            .fetch(&sql, &args, RES_KINDS)
            .await?
            .into_iter()
            .map(stored_from_row)
            .collect())
    }

    /// Every current resource in one patient's compartment (the Patient included), in
    /// (type, id) order, at most `limit`.
    pub async fn compartment_resources(
        &mut self,
        patient: &str,
        limit: i64,
    ) -> Result<Vec<StoredResource>, StoreError> {
        let sql = format!(
            "SELECT {RES_COLS} FROM resources WHERE compartment = $1 AND deleted = FALSE \
             ORDER BY res_type, id LIMIT $2"
        );
        Ok(self
            .fetch(&sql, &[patient.into(), Val::Int(limit)], RES_KINDS)
            .await?
            .into_iter()
            .map(stored_from_row)
            .collect())
    }

    /// Resource types present in the store (current, non-deleted).
    pub async fn resource_types(&mut self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .fetch(
                "SELECT DISTINCT res_type FROM resources WHERE deleted = FALSE ORDER BY res_type",
                &[],
                &[Kind::Text],
            )
            .await?
            .into_iter()
            .filter_map(|r| r.into_iter().next().map(Cell::text))
            .collect())
    }
}

#[cfg(test)]
mod callers_tests {
    use super::*;

    fn w(res_type: &str, prev: Option<i64>, content: Option<&str>) -> Write {
        Write {
            res_type: res_type.into(),
            id: "1".into(),
            prev_version: prev,
            content: content.map(str::to_owned),
            index: Extracted::default(),
            last_updated: 0,
        }
    }

    #[test]
    fn which_writes_change_what_callers_reach() {
        let plain = r#"{"resourceType":"Patient","birthDate":"2010-01-01"}"#;
        let with_gp =
            r#"{"resourceType":"Patient","generalPractitioner":[{"reference":"Practitioner/1"}]}"#;
        assert!(
            !changes_callers(&w("Patient", None, Some(plain))),
            "a new member"
        );
        assert!(
            changes_callers(&w("Patient", None, Some(with_gp))),
            "a clinician's panel grows"
        );
        assert!(
            changes_callers(&w("Patient", Some(1), Some(plain))),
            "a birth date may change"
        );
        assert!(changes_callers(&w("Patient", Some(1), None)), "a deletion");
        assert!(!changes_callers(&w("Observation", Some(1), None)));
    }
}
