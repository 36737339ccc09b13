//! Transactions of plain creates and updates, written as one batch.
//!
//! A transaction Bundle whose entries are all `POST Type` (with a pre-assigned id) or
//! `PUT Type/id` (or a conditional `PUT` already resolved to an id) does the same checks as the
//! entry-by-entry path — id rules, authorization of the stored and the new content, labels,
//! versions — but reads the current versions with one query per type, builds the writes on every
//! core, and stores them with one multi-row write and one audit insert. Everything else
//! (deletes, reads, searches, `If-Match`, conditional creates that matched, the same resource
//! twice, a type a write guard watches) takes the entry-by-entry path.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;
use ws_fhir::IssueCode;
use ws_identity::Caller;
use ws_identity::rules::policy::Action;
use ws_store::StoredResource;

use crate::access::{Checked, Tx};

use crate::bundle::{Entry, at_entry, written_entry};
use crate::ops::{build_write, check_resource, check_type, check_update_id, conflict_to_error};
use crate::{Fhir, FhirError, Written};

/// Below this many items the work stays on the calling thread.
const PARALLEL_FROM: usize = 64;

/// `f` over `items` on every core (in order); small inputs stay on the calling thread.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    if items.len() < PARALLEL_FROM || workers < 2 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(workers);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            // A worker that panicked re-raises here (never a silently shorter result).
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Writes built for a batch, and whether each creates its resource.
struct Built {
    writes: Vec<Checked>,
    created: Vec<bool>,
    /// The entry each write came from.
    entry: Vec<usize>,
    now: i64,
}

/// Writes validated, authorized and built by [`Fhir::prepare_puts`], ready to store.
pub struct PreparedPuts {
    built: Built,
    entries: usize,
}

/// One write of the batch: entry index, type, id, body, and whether it came from a POST.
struct Planned<'a> {
    entry: usize,
    res_type: &'a str,
    id: String,
    resource: &'a Value,
    post: bool,
}

/// The plan for a transaction the batched path can run, or `None` to use the entry path.
fn plan<'a>(
    entries: &'a [Entry],
    preassigned: &[Option<(String, bool)>],
) -> Result<Option<Vec<Planned<'a>>>, FhirError> {
    let mut out = Vec::with_capacity(entries.len());
    let mut seen: HashSet<(&str, String)> = HashSet::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(resource) = &e.resource else {
            return Ok(None);
        };
        if e.if_match.is_some() {
            return Ok(None);
        }
        let (path, query) = match e.url.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (e.url.as_str(), None),
        };
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let (res_type, id, post) = match (e.method.as_str(), segs.as_slice(), &preassigned[i]) {
            ("POST", [t], Some((id, false))) if query.is_none() => (*t, id.clone(), true),
            ("PUT", [t, id], None) if query.is_none() => (*t, (*id).to_owned(), false),
            ("PUT", [t], Some((id, _))) if query.is_some() => {
                // A conditional update resolved to `id`: the body may not name another.
                if let Some(body_id) = resource.get("id").and_then(Value::as_str)
                    && body_id != id
                {
                    return Err(at_entry(
                        FhirError::bad(
                            IssueCode::Invalid,
                            format!(
                                "the body's id '{body_id}' differs from the matched resource {t}/{id}"
                            ),
                        ),
                        i,
                    ));
                }
                (*t, id.clone(), false)
            }
            _ => return Ok(None),
        };
        if !seen.insert((res_type, id.clone())) {
            return Ok(None);
        }
        check_type(res_type).map_err(|err| at_entry(err, i))?;
        if !post && query.is_none() {
            check_update_id(res_type, &id, resource).map_err(|err| at_entry(err, i))?;
        }
        out.push(Planned {
            entry: i,
            res_type,
            id,
            resource,
            post,
        });
    }
    Ok(Some(out))
}

impl Fhir {
    /// Run a transaction's entries as one batch when they are all plain creates and updates.
    /// `Ok(None)`: not that kind of transaction (nothing was done; use the entry path).
    pub(crate) async fn batched_transaction(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        entries: &[Entry],
        preassigned: &[Option<(String, bool)>],
    ) -> Result<Option<Vec<Value>>, FhirError> {
        // A type a write guard watches (a booked slot, a doctor's panel) goes entry by entry,
        // so its invariant is checked in this transaction like on every other path.
        if entries.iter().any(|e| {
            e.resource
                .as_ref()
                .and_then(|r| r.get("resourceType"))
                .and_then(Value::as_str)
                .is_some_and(|t| self.guards.iter().any(|g| g.watches(t)))
        }) {
            return Ok(None);
        }
        let Some(planned) = plan(entries, preassigned)? else {
            return Ok(None);
        };
        let current = Self::current_of(tx, caller, &planned).await?;
        let built = self.build_planned(caller, &planned, &current, self.clock.now_micros())?;
        self.store_built(tx, caller, built, entries.len())
            .await
            .map(Some)
    }

    /// Create or update each of `resources` (each names its type and id), all in one
    /// transaction: the same validation, authorization, versioning and audit as a transaction
    /// Bundle of `PUT Type/id` entries, without building one. Services that write what they
    /// built themselves (enrollment files, coverage changes) use this. An error names the
    /// failing resource as `Bundle.entry[i]` (its index in `resources`); nothing is written.
    pub async fn put_resources(
        &self,
        caller: &Caller,
        resources: &[Value],
    ) -> Result<(), FhirError> {
        let res = async {
            let prepared = self.prepare(caller, resources).await?;
            self.store_prepared(caller, prepared).await
        }
        .await;
        self.audit_failed_transaction(caller, res)
    }

    /// [`Fhir::put_resources`] in two steps, so a caller can prepare the next batch while the
    /// previous one is stored: validate, authorize and build the writes (reading current
    /// versions on a reader connection; most of the work, on every core) …
    pub async fn prepare_puts(
        &self,
        caller: &Caller,
        resources: &[Value],
    ) -> Result<PreparedPuts, FhirError> {
        let res = self.prepare(caller, resources).await;
        self.audit_failed_transaction(caller, res)
    }

    /// … then store them in one transaction on the single writer. A version that moved since
    /// it was read fails the whole write (optimistic check); nothing is written then.
    pub async fn store_puts(
        &self,
        caller: &Caller,
        prepared: PreparedPuts,
    ) -> Result<(), FhirError> {
        let res = self.store_prepared(caller, prepared).await;
        self.audit_failed_transaction(caller, res)
    }

    async fn prepare(
        &self,
        caller: &Caller,
        resources: &[Value],
    ) -> Result<PreparedPuts, FhirError> {
        let checked = par_map(resources, |r| {
            check_resource(r, r.get("resourceType").and_then(Value::as_str))
        });
        let mut planned = Vec::with_capacity(resources.len());
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for (i, (r, c)) in resources.iter().zip(checked).enumerate() {
            c.map_err(|err| at_entry(err, i))?;
            let res_type = r
                .get("resourceType")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let id = r.get("id").and_then(Value::as_str).unwrap_or_default();
            check_type(res_type).map_err(|err| at_entry(err, i))?;
            check_update_id(res_type, id, r).map_err(|err| at_entry(err, i))?;
            if !seen.insert((res_type, id)) {
                return Err(at_entry(
                    FhirError::bad(
                        IssueCode::Duplicate,
                        format!("{res_type}/{id} appears twice in one transaction"),
                    ),
                    i,
                ));
            }
            planned.push(Planned {
                entry: i,
                res_type,
                id: id.to_owned(),
                resource: r,
                post: false,
            });
        }
        let current = Self::current_of(&mut self.db.reader().await?, caller, &planned).await?;
        Ok(PreparedPuts {
            built: self.build_planned(caller, &planned, &current, self.clock.now_micros())?,
            entries: resources.len(),
        })
    }

    async fn store_prepared(&self, caller: &Caller, p: PreparedPuts) -> Result<(), FhirError> {
        let mut tx = self.db.begin().await?;
        self.store_built(&mut tx, caller, p.built, p.entries)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The current versions (tombstones included) of everything `planned` updates, read on
    /// `conn` with one query per type.
    async fn current_of(
        conn: &mut Tx,
        caller: &Caller,
        planned: &[Planned<'_>],
    ) -> Result<HashMap<(String, String), StoredResource>, FhirError> {
        let mut ids_by_type: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for p in planned.iter().filter(|p| !p.post) {
            ids_by_type
                .entry(p.res_type)
                .or_default()
                .push(p.id.clone());
        }
        let mut current = HashMap::new();
        for (t, ids) in ids_by_type {
            for r in conn.read_current_for_update(caller, t, &ids).await? {
                current.insert((r.res_type.clone(), r.id.clone()), r);
            }
        }
        Ok(current)
    }

    /// Authorize against what is stored, then build (stamp, label, index) every write, on
    /// every core. Returns the writes and whether each creates its resource.
    fn build_planned(
        &self,
        caller: &Caller,
        planned: &[Planned<'_>],
        current: &HashMap<(String, String), StoredResource>,
        now: i64,
    ) -> Result<Built, FhirError> {
        let built = par_map(planned, |p| {
            let cur = current.get(&(p.res_type.to_owned(), p.id.clone()));
            let prev = cur.map(|c| c.version);
            let created = cur.is_none_or(|c| c.deleted);
            let (write, content) = build_write(p.resource.clone(), p.res_type, &p.id, prev, now)?;
            let action = if created {
                Action::Create
            } else {
                Action::Update
            };
            let write = self.check_content(caller, action, p.res_type, &p.id, write, &content)?;
            Ok::<_, FhirError>((write, created))
        });
        let mut out = Built {
            writes: Vec::with_capacity(built.len()),
            created: Vec::with_capacity(built.len()),
            entry: Vec::with_capacity(built.len()),
            now,
        };
        for (p, b) in planned.iter().zip(built) {
            let (w, c) = b.map_err(|err| at_entry(err, p.entry))?;
            out.writes.push(w);
            out.created.push(c);
            out.entry.push(p.entry);
        }
        Ok(out)
    }

    /// Store built writes in `tx` with their audit records; returns the response entries (by
    /// entry index). A version that moved since it was read fails the whole call.
    async fn store_built(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        built: Built,
        entries: usize,
    ) -> Result<Vec<Value>, FhirError> {
        let Built {
            writes,
            created,
            entry,
            now,
        } = built;
        // Guarded types (a patient's personal doctor, a booked slot) are checked here, in the
        // writing transaction, against what is stored now.
        for (i, w) in writes.iter().enumerate() {
            if !self.guards.iter().any(|g| g.watches(&w.res_type)) {
                continue;
            }
            let before = crate::guards::Facts::new(tx, now)
                .read(&w.res_type, &w.id)
                .await?
                .map(|(v, _)| v.to_string());
            let kind = if created[i] {
                crate::guards::ChangeKind::Create
            } else {
                crate::guards::ChangeKind::Update
            };
            self.run_guards(
                tx,
                caller,
                kind,
                &w.res_type,
                &w.id,
                before.as_deref(),
                w.content.as_deref(),
            )
            .await
            .map_err(|err| at_entry(err, entry[i]))?;
        }
        let outcomes = tx.put_many(&writes).await.map_err(|e| {
            let entry = match &e {
                ws_store::StoreError::VersionConflict { res_type, id, .. } => writes
                    .iter()
                    .position(|w| &w.res_type == res_type && &w.id == id)
                    .map(|i| entry[i]),
                _ => None,
            };
            let err = conflict_to_error(e, false);
            match entry {
                Some(i) => at_entry(err, i),
                None => err,
            }
        })?;
        let records: Vec<_> = writes
            .iter()
            .zip(&created)
            .map(|(w, &c)| {
                caller.record(
                    self.clock.now_micros(),
                    if c { "create" } else { "update" },
                    Some(&w.res_type),
                    Some(&w.id),
                    w.index.compartment.as_deref(),
                    "success",
                    None,
                )
            })
            .collect();
        tx.append_audit(&records).await?;
        let mut responses = vec![Value::Null; entries];
        for ((i, w), (o, c)) in entry
            .into_iter()
            .zip(writes)
            .zip(outcomes.into_iter().zip(created))
        {
            let w = w.into_inner();
            responses[i] = written_entry(Written {
                res_type: w.res_type,
                id: w.id,
                version: o.version,
                last_updated: now,
                content: None,
                status: if c { 201 } else { 200 },
            });
        }
        Ok(responses)
    }
}
