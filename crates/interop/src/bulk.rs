//! Bulk data in and out: streaming NDJSON / Bundle import, NDJSON export, and the Bulk Data
//! `$export` jobs.
//!
//! Import is a pipeline with constant memory: a reader thread cuts the file into batches of
//! lines (or Bundle entries, streamed out of the JSON without holding the Bundle), worker threads
//! parse, validate and index each batch, and one writer stores each batch in one transaction.
//! A bad line is reported with its number and reason and never stored; the good ones go on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::StreamExt;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use ws_fhir::IssueCode;
use ws_identity::Caller;
use ws_store::{ExportJob, Write, now_micros};

use crate::ops::{build_write, check_resource, new_id};
use crate::{Fhir, FhirError};

/// Resources per batch (one transaction each).
const BATCH: usize = 2000;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    pub loaded: u64,
    pub rejected: Vec<Rejection>,
    pub by_type: BTreeMap<String, u64>,
}

/// One line (or Bundle entry) that was not stored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub file: String,
    /// Line number in an NDJSON file, or entry index in a Bundle.
    pub line: u64,
    pub reason: String,
}

/// One resource to import: raw JSON text (an NDJSON line) or an already-parsed value.
pub struct ImportItem {
    /// Line number (NDJSON), entry index (Bundle) or sequence number (generated data).
    pub line: u64,
    pub text: Option<String>,
    pub value: Option<Value>,
}

impl ImportItem {
    pub fn value(line: u64, value: Value) -> ImportItem {
        ImportItem {
            line,
            text: None,
            value: Some(value),
        }
    }
}

/// Batch size that keeps the import pipeline efficient (one transaction per batch).
pub const IMPORT_BATCH: usize = BATCH;

struct Prepared {
    line: u64,
    write: Write,
}

/// Read NDJSON lines or stream a Bundle's entries, in batches, on the calling (blocking) thread.
fn read_batches(
    path: &Path,
    bytes: &AtomicU64,
    tx: &tokio::sync::mpsc::Sender<Vec<ImportItem>>,
) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    // Sniff: an NDJSON file has a complete JSON object on its first non-empty line.
    let mut first = String::new();
    let mut lines_read = 0u64;
    loop {
        first.clear();
        let n = reader
            .read_line(&mut first)
            .map_err(|e| format!("read error: {e}"))?;
        lines_read += 1;
        bytes.fetch_add(n as u64, Ordering::Relaxed);
        if n == 0 || !first.trim().is_empty() {
            break;
        }
    }
    if first.trim().is_empty() {
        return Ok(());
    }
    let first_line_no = lines_read;
    let first_doc: Option<Value> = serde_json::from_str(first.trim()).ok();
    let is_bundle_line = first_doc
        .as_ref()
        .and_then(|v| v.get("resourceType"))
        .and_then(Value::as_str)
        == Some("Bundle");
    // A first line that parses, or that looks like a whole object on one line but is broken,
    // starts an NDJSON file; anything else (e.g. "{" alone) starts a multi-line JSON document.
    // A first line that does not parse is either a broken NDJSON line or the start of a
    // multi-line JSON document: the next non-empty line tells (NDJSON lines are whole objects).
    let mut second = String::new();
    if first_doc.is_none() {
        loop {
            second.clear();
            let n = reader
                .read_line(&mut second)
                .map_err(|e| format!("read error: {e}"))?;
            lines_read += 1;
            bytes.fetch_add(n as u64, Ordering::Relaxed);
            if n == 0 || !second.trim().is_empty() {
                break;
            }
        }
    }
    let second_is_object = matches!(
        serde_json::from_str::<Value>(second.trim()),
        Ok(Value::Object(_))
    );
    let t = first.trim();
    let broken_line = first_doc.is_none()
        && t.starts_with('{')
        && (second_is_object || (second.trim().is_empty() && t.ends_with('}')));
    if (first_doc.is_some() && !is_bundle_line) || broken_line {
        // NDJSON.
        let mut batch = Vec::with_capacity(BATCH);
        let mut line_no = lines_read;
        batch.push(ImportItem {
            line: first_line_no,
            text: Some(first.trim().to_owned()),
            value: None,
        });
        if !second.trim().is_empty() {
            batch.push(ImportItem {
                line: line_no,
                text: Some(second.trim().to_owned()),
                value: None,
            });
        }
        let mut buf = String::new();
        loop {
            buf.clear();
            let n = reader
                .read_line(&mut buf)
                .map_err(|e| format!("read error at line {}: {e}", line_no + 1))?;
            if n == 0 {
                break;
            }
            bytes.fetch_add(n as u64, Ordering::Relaxed);
            line_no += 1;
            let t = buf.trim();
            if t.is_empty() {
                continue;
            }
            batch.push(ImportItem {
                line: line_no,
                text: Some(t.to_owned()),
                value: None,
            });
            if batch.len() >= BATCH
                && tx
                    .blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .is_err()
            {
                return Ok(());
            }
        }
        if !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        return Ok(());
    }
    // A JSON document (a Bundle, or one resource): stream it.
    let counted = CountingReader {
        inner: reader,
        bytes,
    };
    let mut head = first.into_bytes();
    head.extend_from_slice(second.as_bytes());
    let chain = std::io::Cursor::new(head).chain(counted);
    let mut de = serde_json::Deserializer::from_reader(chain);
    let mut sink = EntrySink {
        tx,
        batch: Vec::new(),
        index: 0,
        single: None,
    };
    DocSeed { sink: &mut sink }
        .deserialize(&mut de)
        .map_err(|e| format!("the file is neither NDJSON nor a valid JSON Bundle: {e}"))?;
    de.end()
        .map_err(|e| format!("trailing data after the JSON document: {e}"))?;
    if let Some(v) = sink.single.take() {
        sink.batch.push(ImportItem {
            line: 1,
            text: None,
            value: Some(v),
        });
    }
    if !sink.batch.is_empty() {
        let _ = tx.blocking_send(std::mem::take(&mut sink.batch));
    }
    Ok(())
}

struct CountingReader<'a, R> {
    inner: R,
    bytes: &'a AtomicU64,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

struct EntrySink<'a> {
    tx: &'a tokio::sync::mpsc::Sender<Vec<ImportItem>>,
    batch: Vec<ImportItem>,
    index: u64,
    /// A lone resource (not a Bundle) collected whole.
    single: Option<Value>,
}

impl EntrySink<'_> {
    fn push(&mut self, entry: Value) {
        let line = self.index;
        self.index += 1;
        let value = match entry {
            Value::Object(mut m) => m.remove("resource"),
            _ => None,
        };
        self.batch.push(ImportItem {
            line,
            text: None,
            value: Some(value.unwrap_or(Value::Null)),
        });
        if self.batch.len() >= BATCH {
            let b = std::mem::take(&mut self.batch);
            let _ = self.tx.blocking_send(b);
        }
    }
}

/// Visits the top-level object: streams `entry` elements, keeps the rest small.
struct DocSeed<'s, 'a> {
    sink: &'s mut EntrySink<'a>,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut other = serde_json::Map::new();
        let mut saw_entries = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "entry" {
                saw_entries = true;
                map.next_value_seed(EntriesSeed {
                    sink: &mut *self.sink,
                })?;
            } else {
                let v: Value = map.next_value()?;
                other.insert(key, v);
            }
        }
        let is_bundle = other.get("resourceType").and_then(Value::as_str) == Some("Bundle");
        if !is_bundle {
            if saw_entries {
                return Err(serde::de::Error::custom(
                    "an 'entry' array outside a Bundle",
                ));
            }
            self.sink.single = Some(Value::Object(other));
        }
        Ok(())
    }
}

struct EntriesSeed<'s, 'a> {
    sink: &'s mut EntrySink<'a>,
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of Bundle entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(e) = seq.next_element::<Value>()? {
            self.sink.push(e);
        }
        Ok(())
    }
}

/// Parse, validate and index one batch (CPU work, run on a blocking thread).
fn prepare(batch: Vec<ImportItem>, now: i64) -> Vec<Result<Prepared, (u64, String)>> {
    batch
        .into_iter()
        .map(|item| {
            let value = match (item.text, item.value) {
                (Some(t), _) => ws_fhir::validate::parse_json(t.as_bytes())
                    .map_err(|i| (item.line, i.to_string()))?,
                (None, Some(Value::Null)) | (None, None) => {
                    return Err((item.line, "the entry has no resource".into()));
                }
                (None, Some(v)) => v,
            };
            check_resource(&value, None).map_err(|e| {
                (
                    item.line,
                    e.issues()
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
            let res_type = value
                .get("resourceType")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let id = match value.get("id").and_then(Value::as_str) {
                Some(id) => id.to_owned(),
                None => new_id(),
            };
            let (write, _) = build_write(value, &res_type, &id, None, now)
                .map_err(|e| (item.line, e.to_string()))?;
            Ok(Prepared {
                line: item.line,
                write,
            })
        })
        .collect()
}

impl Fhir {
    /// Import NDJSON or Bundle files. `bytes_read` is advanced as the files are read (for a
    /// progress bar). Returns the report; `Err` only when the store itself fails.
    pub async fn import_files(
        &self,
        caller: &Caller,
        files: &[PathBuf],
        bytes_read: Arc<AtomicU64>,
    ) -> Result<ImportReport, FhirError> {
        let mut report = ImportReport::default();
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        for path in files {
            let name = path.display().to_string();
            let (tx, rx) = tokio::sync::mpsc::channel::<Vec<ImportItem>>(workers * 2);
            let p = path.clone();
            let counter = bytes_read.clone();
            let reader = tokio::task::spawn_blocking(move || read_batches(&p, &counter, &tx));
            self.import_batches(caller, &name, rx, &mut report).await?;
            match reader.await {
                Ok(Ok(())) => {}
                Ok(Err(msg)) => report.rejected.push(Rejection {
                    file: name.clone(),
                    line: 0,
                    reason: msg,
                }),
                Err(e) => report.rejected.push(Rejection {
                    file: name.clone(),
                    line: 0,
                    reason: format!("reader failed: {e}"),
                }),
            }
        }
        Ok(report)
    }

    /// Import batches arriving on `rx` (from a file reader, a generator, …) through the
    /// parse → validate → index workers and the single writer. `name` labels rejections.
    pub async fn import_batches(
        &self,
        caller: &Caller,
        name: &str,
        rx: tokio::sync::mpsc::Receiver<Vec<ImportItem>>,
        report: &mut ImportReport,
    ) -> Result<(), FhirError> {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut prepared = tokio_stream_from(rx)
            .map(|b| tokio::task::spawn_blocking(move || prepare(b, now_micros())))
            .buffered(workers);
        while let Some(batch) = prepared.next().await {
            let batch = batch
                .map_err(|e| FhirError::bad(IssueCode::Exception, format!("worker failed: {e}")))?;
            let mut good = Vec::with_capacity(batch.len());
            for r in batch {
                match r {
                    Ok(p) => good.push(p),
                    Err((line, reason)) => report.rejected.push(Rejection {
                        file: name.to_owned(),
                        line,
                        reason,
                    }),
                }
            }
            self.store_batch(caller, good, name, report).await?;
        }
        // A bulk load changes the shape of the data: give the planner fresh statistics.
        if report.loaded > 0 {
            self.store.optimize().await?;
        }
        Ok(())
    }

    /// Store prepared resources, splitting at repeated ids so each segment is one multi-row write.
    async fn store_batch(
        &self,
        caller: &Caller,
        items: Vec<Prepared>,
        file: &str,
        report: &mut ImportReport,
    ) -> Result<(), FhirError> {
        let mut segment: Vec<Prepared> = Vec::new();
        let mut keys: HashSet<(String, String)> = HashSet::new();
        for p in items {
            let key = (p.write.res_type.clone(), p.write.id.clone());
            if keys.contains(&key) {
                self.store_segment(caller, std::mem::take(&mut segment), file, report)
                    .await?;
                keys.clear();
            }
            keys.insert(key);
            segment.push(p);
        }
        self.store_segment(caller, segment, file, report).await
    }

    async fn store_segment(
        &self,
        caller: &Caller,
        items: Vec<Prepared>,
        file: &str,
        report: &mut ImportReport,
    ) -> Result<(), FhirError> {
        if items.is_empty() {
            return Ok(());
        }
        let now = now_micros();
        let attempt = async {
            let mut tx = self.store.begin().await?;
            let writes = self.versioned_writes(&mut tx, &items, now).await?;
            tx.put_many(&writes).await?;
            let mut per_comp: HashMap<String, u64> = HashMap::new();
            for w in &writes {
                *per_comp
                    .entry(w.index.compartment.clone().unwrap_or_default())
                    .or_default() += 1;
            }
            let records: Vec<_> = per_comp
                .iter()
                .map(|(c, n)| {
                    caller.record(
                        "import",
                        None,
                        None,
                        Some(c),
                        "success",
                        Some(format!("{n} resources from {file}")),
                    )
                })
                .collect();
            tx.append_audit(&records).await?;
            tx.commit().await?;
            Ok::<_, FhirError>(writes)
        }
        .await;
        match attempt {
            Ok(writes) => {
                for w in &writes {
                    *report.by_type.entry(w.res_type.clone()).or_default() += 1;
                }
                report.loaded += writes.len() as u64;
                Ok(())
            }
            Err(FhirError::Store(e))
                if !matches!(e, ws_store::StoreError::VersionConflict { .. })
                    && items.len() == 1 =>
            {
                Err(FhirError::Store(e))
            }
            Err(_) if items.len() > 1 => {
                // Something in the batch conflicts: store one by one so only the bad ones fail.
                for p in items {
                    Box::pin(self.store_segment(caller, vec![p], file, report)).await?;
                }
                Ok(())
            }
            Err(e) => {
                let line = items.first().map_or(0, |p| p.line);
                report.rejected.push(Rejection {
                    file: file.to_owned(),
                    line,
                    reason: e.to_string(),
                });
                Ok(())
            }
        }
    }

    /// Give each prepared write its real previous version (most are new: nothing to redo).
    async fn versioned_writes(
        &self,
        tx: &mut ws_store::Conn,
        items: &[Prepared],
        now: i64,
    ) -> Result<Vec<Write>, FhirError> {
        let mut by_type: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for p in items {
            by_type
                .entry(p.write.res_type.as_str())
                .or_default()
                .push(p.write.id.as_str());
        }
        let mut existing = HashMap::new();
        for (t, ids) in by_type {
            for (id, v) in tx.current_versions(t, &ids).await? {
                existing.insert((t.to_owned(), id), v);
            }
        }
        let mut out = Vec::with_capacity(items.len());
        for p in items {
            let mut w = p.write.clone();
            // New resources keep what the worker built (stamped when the batch was prepared);
            // only the few that already exist are rebuilt with their next version number.
            if let Some(v) = existing.get(&(w.res_type.clone(), w.id.clone())) {
                let value: Value = w
                    .content
                    .as_deref()
                    .and_then(|c| serde_json::from_str(c).ok())
                    .unwrap_or(Value::Null);
                let (nw, _) = build_write(value, &w.res_type, &w.id, Some(v.version), now)?;
                w = nw;
            }
            out.push(w);
        }
        Ok(out)
    }

    /// Export current resources as `TYPE.ndjson` files in `dir`. `types` empty = every type
    /// present. `patient_level`: only resources in some patient's compartment (and Patients).
    /// Returns (type, file, count) for each file written.
    pub async fn export_to_dir(
        &self,
        caller: &Caller,
        dir: &Path,
        types: &[String],
        since: Option<i64>,
        patient_level: bool,
    ) -> Result<Vec<(String, PathBuf, u64)>, FhirError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            FhirError::bad(
                IssueCode::Exception,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let mut conn = self.store.reader().await?;
        let mut types: Vec<String> = if types.is_empty() {
            conn.resource_types().await?
        } else {
            types.to_vec()
        };
        let mut seen = HashSet::new();
        types.retain(|t| seen.insert(t.clone()));
        for t in &types {
            if !ws_fhir::validate::is_resource_type(t) {
                return Err(FhirError::bad(
                    IssueCode::NotSupported,
                    format!("unknown resource type '{t}' in _type"),
                ));
            }
        }
        let mut out = Vec::new();
        for t in &types {
            let path = dir.join(format!("{t}.ndjson"));
            let file = std::fs::File::create(&path).map_err(|e| {
                FhirError::bad(
                    IssueCode::Exception,
                    format!("cannot write {}: {e}", path.display()),
                )
            })?;
            let mut w = std::io::BufWriter::new(file);
            let mut after = String::new();
            let mut count = 0u64;
            let mut comps: HashSet<String> = HashSet::new();
            loop {
                let rows = conn.scan(t, &after, since, None, 1000).await?;
                let Some(last) = rows.last() else { break };
                after = last.id.clone();
                for r in rows {
                    if patient_level && r.compartment.is_empty() {
                        continue;
                    }
                    if let Some(c) = &r.content {
                        w.write_all(c.as_bytes())
                            .and_then(|()| w.write_all(b"\n"))
                            .map_err(|e| {
                                FhirError::bad(IssueCode::Exception, format!("write failed: {e}"))
                            })?;
                        count += 1;
                        if !r.compartment.is_empty() && comps.len() < 100_000 {
                            comps.insert(r.compartment);
                        }
                    }
                }
            }
            w.flush()
                .map_err(|e| FhirError::bad(IssueCode::Exception, format!("write failed: {e}")))?;
            for c in &comps {
                self.audit
                    .record(caller.record("export", Some(t), None, Some(c), "success", None));
            }
            self.audit.record(caller.record(
                "export",
                Some(t),
                None,
                None,
                "success",
                Some(format!("{count} resources to {}", path.display())),
            ));
            out.push((t.clone(), path, count));
        }
        Ok(out)
    }

    /// Kick off a Bulk Data export; returns the job id. The work runs in the background.
    pub async fn start_export(
        &self,
        caller: &Caller,
        request_url: &str,
        types: Vec<String>,
        since: Option<i64>,
        patient_level: bool,
    ) -> Result<String, FhirError> {
        self.gate_export(caller)?;
        for t in &types {
            if !ws_fhir::validate::is_resource_type(t) {
                return Err(FhirError::bad(
                    IssueCode::NotSupported,
                    format!("unknown resource type '{t}' in _type"),
                ));
            }
        }
        let id = new_id();
        let job = ExportJob {
            id: id.clone(),
            created_at: now_micros(),
            status: "running".into(),
            request: request_url.to_owned(),
            params: serde_json::json!({"types": types, "since": since, "patient": patient_level})
                .to_string(),
            output: None,
            error: None,
            finished_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_export_job(&job).await?;
        tx.append_audit(&[caller.record(
            "export-kickoff",
            None,
            None,
            None,
            "success",
            Some(request_url.to_owned()),
        )])
        .await?;
        tx.commit().await?;
        let me = self.clone();
        let caller = caller.clone();
        let job_id = id.clone();
        tokio::spawn(async move {
            let dir = me.export_dir.join(&job_id);
            let result = me
                .export_to_dir(&caller, &dir, &types, since, patient_level)
                .await;
            let (status, output, error) = match result {
                Ok(files) => {
                    let out: Vec<Value> = files
                        .iter()
                        .filter(|(_, _, n)| *n > 0)
                        .map(|(t, _, n)| serde_json::json!({"type": t, "url": format!("{}/$export-file/{job_id}/{t}.ndjson", me.base_url), "count": n}))
                        .collect();
                    ("complete", Some(Value::Array(out).to_string()), None)
                }
                Err(e) => ("failed", None, Some(e.to_string())),
            };
            let res = async {
                let mut tx = me.store.begin().await?;
                tx.update_export_job(&job_id, status, output, error, Some(now_micros()))
                    .await?;
                tx.commit().await
            }
            .await;
            if let Err(e) = res {
                tracing::error!(error = %e, job = %job_id, "could not record export job result");
            }
        });
        Ok(id)
    }

    pub async fn export_job(&self, id: &str) -> Result<ExportJob, FhirError> {
        let mut c = self.store.reader().await?;
        c.export_job(id)
            .await?
            .ok_or_else(|| FhirError::NotFound(format!("export job {id}")))
    }

    /// Delete a job and its files.
    pub async fn delete_export(&self, caller: &Caller, id: &str) -> Result<(), FhirError> {
        self.gate_export(caller)?;
        if !crate::bundle::valid_id(id) {
            return Err(FhirError::NotFound(format!("export job {id}")));
        }
        let mut tx = self.store.begin().await?;
        if tx.delete_export_job(id).await? == 0 {
            return Err(FhirError::NotFound(format!("export job {id}")));
        }
        tx.append_audit(&[caller.record(
            "export-delete",
            None,
            None,
            None,
            "success",
            Some(id.to_owned()),
        )])
        .await?;
        tx.commit().await?;
        let _ = std::fs::remove_dir_all(self.export_dir.join(id));
        Ok(())
    }
}

fn tokio_stream_from<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> impl futures::Stream<Item = T> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
