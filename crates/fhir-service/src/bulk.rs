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
use ws_store::{ExportJob, Write};

use crate::access::Unrestricted;

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
    /// Why the item cannot be imported, found while reading it (a bad byte, an oversize line).
    pub problem: Option<String>,
}

impl ImportItem {
    pub fn value(line: u64, value: Value) -> ImportItem {
        ImportItem {
            line,
            text: None,
            value: Some(value),
            problem: None,
        }
    }
}

/// Batch size that keeps the import pipeline efficient (one transaction per batch).
pub const IMPORT_BATCH: usize = BATCH;

struct Prepared {
    line: u64,
    write: Write,
}

/// The longest NDJSON line accepted: the same limit as one resource sent to the API.
pub const MAX_LINE_BYTES: usize = ws_fhir::validate::MAX_RESOURCE_BYTES;

/// A batch is sent on when it holds this many bytes of text, even if it has fewer than
/// [`BATCH`] lines: memory follows the batch size, not the length of the lines.
const BATCH_BYTES: usize = 8 << 20;

/// How much of the file is looked at to tell NDJSON from a JSON document.
const SNIFF_BYTES: usize = 1 << 20;

/// Read one line (up to and including `\n`) into `buf`, keeping at most `cap` bytes of it: a
/// longer line is consumed (so the next line is found) but not kept. `None` at the end of the
/// file; else the bytes consumed and whether the line was too long.
fn read_line_capped<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<Option<(u64, bool)>> {
    buf.clear();
    let mut total = 0u64;
    let mut too_long = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((total > 0).then_some((total, too_long)));
        }
        let (n, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        if !too_long {
            if buf.len() + n > cap + 2 {
                too_long = true;
                buf.clear();
                buf.shrink_to(1 << 16);
            } else {
                buf.extend_from_slice(&avail[..n]);
            }
        }
        r.consume(n);
        total += n as u64;
        if done {
            return Ok(Some((total, too_long)));
        }
    }
}

/// One NDJSON line as an import item (`None` for a blank line). A line that is too long or not
/// UTF-8 becomes an item that only carries its problem: it is reported and the rest goes on.
fn line_item(line: u64, raw: &[u8], too_long: bool) -> Option<ImportItem> {
    let problem = |p: String| ImportItem {
        line,
        text: None,
        value: None,
        problem: Some(p),
    };
    if too_long {
        return Some(problem(format!(
            "the line is longer than {MAX_LINE_BYTES} bytes (the limit for one resource); it was skipped"
        )));
    }
    match std::str::from_utf8(raw) {
        Ok(t) => {
            let t = t.trim();
            (!t.is_empty()).then(|| ImportItem {
                line,
                text: Some(t.to_owned()),
                value: None,
                problem: None,
            })
        }
        Err(e) => Some(problem(format!(
            "the line is not valid UTF-8 (bad byte at column {})",
            e.valid_up_to() + 1
        ))),
    }
}

/// Is the file that starts with `head` NDJSON (else one JSON document: a Bundle or a resource)?
/// An NDJSON file has a whole JSON object on its first non-empty line that is not a Bundle; a
/// first line that is broken but looks like one object (and is followed by an object line, or
/// by nothing) is a broken NDJSON line, not the start of a document.
fn sniff_ndjson(head: &[u8], whole_file: bool) -> bool {
    let mut lines = head
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty());
    let Some(first) = lines.next() else {
        return true;
    };
    let complete = |l: &[u8]| l.ends_with(b"\n") || whole_file;
    if !complete(first) {
        // A first line longer than the sniffed part: a one-line Bundle, or a long resource.
        let start = &first[..first.len().min(4096)];
        let text = String::from_utf8_lossy(start);
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        return !squeezed.contains("\"resourceType\":\"Bundle\"");
    }
    let t = first.trim_ascii();
    match serde_json::from_slice::<Value>(t) {
        Ok(v) => v.get("resourceType").and_then(Value::as_str) != Some("Bundle"),
        Err(_) => {
            let second = lines.next();
            let second_is_object = second.filter(|l| complete(l)).is_some_and(|l| {
                matches!(
                    serde_json::from_slice::<Value>(l.trim_ascii()),
                    Ok(Value::Object(_))
                )
            });
            t.starts_with(b"{") && (second_is_object || (second.is_none() && t.ends_with(b"}")))
        }
    }
}

/// Read NDJSON lines or stream a Bundle's entries, in batches, on the calling (blocking) thread.
/// NDJSON lines are read as bytes with a length cap: a bad byte, a broken or an oversize line
/// rejects that line alone (with its number and reason) and every other line is loaded.
fn read_batches(
    path: &Path,
    bytes: &AtomicU64,
    tx: &tokio::sync::mpsc::Sender<Vec<ImportItem>>,
) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut reader = BufReader::with_capacity(SNIFF_BYTES, file);
    let head = reader.fill_buf().map_err(|e| format!("read error: {e}"))?;
    if head.is_empty() {
        return Ok(());
    }
    let whole_file = head.len() < SNIFF_BYTES;
    if sniff_ndjson(head, whole_file) {
        let mut batch = Vec::with_capacity(BATCH);
        let mut batch_bytes = 0usize;
        let mut line_no = 0u64;
        let mut buf = Vec::new();
        loop {
            let read = read_line_capped(&mut reader, &mut buf, MAX_LINE_BYTES);
            let (n, too_long) = match read {
                Ok(Some(x)) => x,
                Ok(None) => break,
                Err(e) => {
                    // Keep what was read so far; the rest of the file cannot be read.
                    if !batch.is_empty() {
                        let _ = tx.blocking_send(batch);
                    }
                    return Err(format!("read error after line {line_no}: {e}"));
                }
            };
            bytes.fetch_add(n, Ordering::Relaxed);
            line_no += 1;
            let Some(item) = line_item(line_no, &buf, too_long) else {
                continue;
            };
            batch_bytes += item.text.as_ref().map_or(0, String::len);
            batch.push(item);
            if batch.len() >= BATCH || batch_bytes >= BATCH_BYTES {
                batch_bytes = 0;
                if tx
                    .blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .is_err()
                {
                    return Ok(());
                }
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
    let mut de = serde_json::Deserializer::from_reader(counted);
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
            problem: None,
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
            problem: None,
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
            if let Some(p) = item.problem {
                return Err((item.line, p));
            }
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
        let clock = self.clock.clone();
        let mut prepared = tokio_stream_from(rx)
            .map(|b| {
                let clock = clock.clone();
                tokio::task::spawn_blocking(move || prepare(b, clock.now_micros()))
            })
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
        if report.loaded > 0
            && let Some(u) = Unrestricted::of(caller)
        {
            self.db.raw(&u).optimize().await?;
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
        let now = self.clock.now_micros();
        let attempt = async {
            let u = Unrestricted::of(caller).ok_or_else(|| {
                FhirError::Forbidden(
                    "bulk import is for the system and registered back-end integrations".into(),
                )
            })?;
            let mut tx = self.db.begin().await?;
            let writes = self.versioned_writes(tx.raw(&u), &items, now).await?;
            // Types a write guard watches (appointments taking slots, personal doctors) are
            // written after the rest of the segment, each through its guard in this
            // transaction: a booked Appointment takes a free Slot loaded beside it, and one that
            // names a taken slot is rejected like any other bad line.
            let (guarded, plain): (Vec<&Write>, Vec<&Write>) = writes
                .iter()
                .partition(|w| self.guards.iter().any(|g| g.watches(&w.res_type)));
            tx.raw(&u).put_many(&plain).await?;
            for w in guarded {
                let before = crate::guards::Facts::new(&mut tx, now)
                    .read(&w.res_type, &w.id)
                    .await?
                    .map(|(v, _)| v.to_string());
                let kind = if w.prev_version.is_none() {
                    crate::guards::ChangeKind::Create
                } else {
                    crate::guards::ChangeKind::Update
                };
                self.run_guards(
                    &mut tx,
                    caller,
                    kind,
                    &w.res_type,
                    &w.id,
                    before.as_deref(),
                    w.content.as_deref(),
                )
                .await?;
                tx.raw(&u).put_many(std::slice::from_ref(w)).await?;
            }
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
                        self.clock.now_micros(),
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
        let u = self.export_proof(caller)?;
        let mut tx = self.db.reader().await?;
        let conn = tx.raw(&u);
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
                self.audit.record(caller.record(
                    self.clock.now_micros(),
                    "export",
                    Some(t),
                    None,
                    Some(c),
                    "success",
                    None,
                ));
            }
            self.audit.record(caller.record(
                self.clock.now_micros(),
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
            created_at: self.clock.now_micros(),
            status: "running".into(),
            request: request_url.to_owned(),
            params: serde_json::json!({"types": types, "since": since, "patient": patient_level})
                .to_string(),
            output: None,
            error: None,
            finished_at: None,
        };
        let mut tx = self.db.begin().await?;
        tx.insert_export_job(&job).await?;
        tx.append_audit(&[caller.record(
            self.clock.now_micros(),
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
                let mut tx = me.db.begin().await?;
                tx.update_export_job(&job_id, status, output, error, Some(me.clock.now_micros()))
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
        let mut c = self.db.reader().await?;
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
        let mut tx = self.db.begin().await?;
        if tx.delete_export_job(id).await? == 0 {
            return Err(FhirError::NotFound(format!("export job {id}")));
        }
        tx.append_audit(&[caller.record(
            self.clock.now_micros(),
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
