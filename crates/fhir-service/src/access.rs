//! Authorization of FHIR interactions: every read, search, history entry, include, export and
//! write asks the one policy (`ws_identity::rules::policy`) with the caller's principal, the
//! resource's patient compartment and its security labels. Searches are restricted in the
//! query itself (compartments, hidden labels, allowed codes), so counts, paging and includes
//! never see what the caller may not.

use serde_json::Value;
use ws_identity::rules::labels;
use ws_identity::rules::policy::{self, Action, Decision, SearchScope, Target};
use ws_identity::{Caller, Principal};
use ws_store::{Cond, Filter, StoredResource};

use crate::{Fhir, FhirError};

/// Labels and main codes of a resource, as the policy wants them.
fn facts(content: Option<&Value>) -> (Vec<String>, Vec<(String, String)>) {
    let Some(v) = content else {
        return (Vec::new(), Vec::new());
    };
    let labels = labels::policy_labels(v);
    let codes = v
        .pointer("/code/coding")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| {
                    Some((
                        c.get("system")?.as_str()?.to_owned(),
                        c.get("code")?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    (labels, codes)
}

fn is_person(p: &Principal) -> bool {
    matches!(p, Principal::Person { .. } | Principal::App { .. })
}

/// Turn a denial into the error the caller sees. People and apps get "not found" for records
/// they may not read, so an id never confirms that someone else's record exists.
fn denied(
    caller: &Caller,
    action: Action,
    res_type: &str,
    id: Option<&str>,
    status: u16,
    reason: String,
) -> FhirError {
    if status == 401 {
        return FhirError::Unauthorized(reason);
    }
    if is_person(&caller.principal) && matches!(action, Action::Read) {
        return FhirError::NotFound(match id {
            Some(id) => format!("{res_type}/{id}"),
            None => res_type.to_owned(),
        });
    }
    FhirError::Forbidden(reason)
}

/// The type-level part of the policy, decided before anything is loaded: a refusal here (nobody
/// signed in, an app without the scope, a staff role that does not read the type, a member
/// writing through the API) is the same for an existing and a missing id.
fn type_gate(caller: &Caller, action: Action, res_type: &str) -> Result<(), FhirError> {
    match policy::type_gate(&caller.principal, action, res_type) {
        None => Ok(()),
        Some(d) if d.status == 401 => Err(FhirError::Unauthorized(d.reason)),
        Some(d) => Err(FhirError::Forbidden(d.reason)),
    }
}

/// May `caller` do `action` on this resource (content already parsed)? `Ok(true)` when the
/// access was an emergency (break-the-glass) access.
pub(crate) fn check(
    caller: &Caller,
    action: Action,
    res_type: &str,
    id: Option<&str>,
    compartment: &str,
    content: Option<&Value>,
) -> Result<bool, FhirError> {
    type_gate(caller, action, res_type)?;
    let (labels, codes) = facts(content);
    let t = Target {
        res_type,
        compartment: Some(compartment).filter(|c| !c.is_empty()),
        labels: &labels,
        codes: &codes,
    };
    match policy::decide(&caller.principal, action, &t) {
        Decision::Allow { break_glass } => Ok(break_glass),
        Decision::Deny(d) => Err(denied(caller, action, res_type, id, d.status, d.reason)),
    }
}

/// [`check`] for a stored resource.
pub(crate) fn check_stored(
    caller: &Caller,
    action: Action,
    r: &StoredResource,
) -> Result<bool, FhirError> {
    if Unrestricted::of(caller).is_some() {
        return Ok(false);
    }
    let v: Option<Value> = r
        .content
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok());
    check(
        caller,
        action,
        &r.res_type,
        Some(&r.id),
        &r.compartment,
        v.as_ref(),
    )
}

/// May the caller read this stored resource? (Includes, history entries, exports.)
pub(crate) fn may_read(caller: &Caller, r: &StoredResource) -> bool {
    check_stored(caller, Action::Read, r).is_ok()
}

/// The filters of one compartment rule: the patient, hidden labels, allowed codes.
fn rule_filters(r: &policy::CompartmentRule) -> Vec<Filter> {
    let mut filters = vec![Filter::Compartments(vec![r.patient.clone()])];
    if !r.exclude_labels.is_empty() {
        filters.push(Filter::Not(Box::new(Filter::Param {
            param: ws_fhir::search_params::SECURITY_PARAM.into(),
            any_of: r
                .exclude_labels
                .iter()
                .map(|l| Cond::Token {
                    system: Some(labels::system_of(l).into()),
                    code: Some((*l).to_owned()),
                })
                .collect(),
        })));
    }
    if let Some(codes) = &r.only_codes {
        filters.push(Filter::Param {
            param: "code".into(),
            any_of: codes
                .iter()
                .map(|(s, c)| Cond::Token {
                    system: Some((*s).to_owned()),
                    code: Some((*c).to_owned()),
                })
                .collect(),
        });
    }
    filters
}

/// The filters that restrict a search to what the caller may see.
pub(crate) fn search_restriction(
    caller: &Caller,
    res_type: &str,
    pairs: &[(String, String)],
) -> Result<Vec<Filter>, FhirError> {
    let patient_param = pairs
        .iter()
        .find(|(k, _)| {
            let k = k.split(':').next().unwrap_or("");
            matches!(k, "patient" | "subject" | "beneficiary")
                || (res_type == "Patient" && k == "_id")
        })
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.contains(','));
    match policy::search_scope(&caller.principal, res_type, patient_param) {
        SearchScope::Unrestricted => Ok(Vec::new()),
        SearchScope::Denied(d) => Err(if d.status == 401 {
            FhirError::Unauthorized(d.reason)
        } else {
            FhirError::Forbidden(d.reason)
        }),
        SearchScope::Compartments(rules) => {
            let Some(first) = rules.first() else {
                return Err(FhirError::Forbidden(format!(
                    "you may not search {res_type} resources"
                )));
            };
            if rules.iter().all(|r| {
                r.exclude_labels == first.exclude_labels && r.only_codes == first.only_codes
            }) {
                // One rule for all: one compartment list and the shared exclusions.
                let mut filters = rule_filters(first);
                filters[0] =
                    Filter::Compartments(rules.iter().map(|r| r.patient.clone()).collect());
                return Ok(filters);
            }
            // Several people with different views: each person's rule on their own rows.
            Ok(vec![Filter::AnyOf(
                rules.iter().map(rule_filters).collect(),
            )])
        }
    }
}

impl Fhir {
    /// A gate before anything is loaded: anonymous callers reach only shared types.
    pub(crate) fn gate(&self, caller: &Caller, res_type: &str) -> Result<(), FhirError> {
        if matches!(caller.principal, Principal::Anonymous) && !policy::is_shared_type(res_type) {
            return Err(FhirError::Unauthorized(format!(
                "sign in (or use an access token) to reach {res_type} resources"
            )));
        }
        Ok(())
    }

    /// Authorize a write of the content about to be stored (its compartment and labels): the
    /// only way to a [`Checked`] write for a restricted caller.
    pub(crate) fn check_content(
        &self,
        caller: &Caller,
        action: Action,
        res_type: &str,
        id: &str,
        write: ws_store::Write,
        content: &str,
    ) -> Result<Checked, FhirError> {
        if let Some(u) = Unrestricted::of(caller) {
            return Ok(Checked::unrestricted(&u, write));
        }
        let v: Value = serde_json::from_str(content)
            .map_err(|e| FhirError::bad(ws_fhir::IssueCode::Exception, e.to_string()))?;
        let compartment = write.index.compartment.clone().unwrap_or_default();
        check(caller, action, res_type, Some(id), &compartment, Some(&v))?;
        Ok(Checked(write))
    }

    /// Before a conditional operation resolves its criteria: may the caller do `action` on
    /// this type at all (anonymous callers, app scopes, staff roles)? Decided on the type, so
    /// the answer is the same whatever the criteria match.
    pub(crate) fn gate_conditional(
        &self,
        caller: &Caller,
        action: Action,
        res_type: &str,
    ) -> Result<(), FhirError> {
        self.gate(caller, res_type)?;
        type_gate(caller, action, res_type)?;
        if policy::is_shared_type(res_type) {
            return Ok(());
        }
        // The criteria are resolved with the caller's search restriction: a type they may not
        // search at all is refused here, before anything is looked up.
        search_restriction(caller, res_type, &[]).map(|_| ())
    }

    /// Only the unrestricted (System, Integration) callers may run Bulk Data exports of the
    /// whole system; a person's own export is a portal capability (records).
    pub fn gate_export(&self, caller: &Caller) -> Result<(), FhirError> {
        self.export_proof(caller).map(|_| ())
    }

    pub(crate) fn export_proof(&self, caller: &Caller) -> Result<Unrestricted, FhirError> {
        if let Some(u) = Unrestricted::of(caller) {
            return Ok(u);
        }
        match caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(Unrestricted(())),
            Principal::Anonymous => Err(FhirError::Unauthorized(
                "Bulk Data export needs a back-end access token".into(),
            )),
            _ => Err(FhirError::Forbidden(
                "Bulk Data export is for registered back-end integrations".into(),
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The guarded store. Only this module holds the store: the rest of the service reaches health
// data through [`Db`] and [`Tx`], whose reading methods take the caller and apply the policy
// before a row leaves this module, and whose writing methods take a [`Checked`] write that only
// the policy (or proof of an unrestricted caller) can produce. Forgetting the check is therefore
// not something another module can write (ADR 0005).
// ---------------------------------------------------------------------------------------------

/// Proof that the caller is unrestricted (the system itself or a back-end integration): the
/// only way to the raw connection (bulk import, export, version lookups).
pub(crate) struct Unrestricted(());

impl Unrestricted {
    pub(crate) fn of(caller: &Caller) -> Option<Unrestricted> {
        matches!(
            caller.principal,
            Principal::System | Principal::Integration { .. }
        )
        .then_some(Unrestricted(()))
    }
}

/// A write the policy allowed (or an unrestricted caller's write).
pub(crate) struct Checked(ws_store::Write);

impl std::ops::Deref for Checked {
    type Target = ws_store::Write;
    fn deref(&self) -> &ws_store::Write {
        &self.0
    }
}

impl std::borrow::Borrow<ws_store::Write> for Checked {
    fn borrow(&self) -> &ws_store::Write {
        &self.0
    }
}

impl Checked {
    /// The write itself (after it was stored).
    pub(crate) fn into_inner(self) -> ws_store::Write {
        self.0
    }

    /// An unrestricted caller's write needs no further decision.
    pub(crate) fn unrestricted(_: &Unrestricted, w: ws_store::Write) -> Checked {
        Checked(w)
    }
}

/// The tombstone that deletes `current`, if the caller may delete it.
pub(crate) fn tombstone(
    caller: &Caller,
    current: &StoredResource,
    now: i64,
) -> Result<Checked, FhirError> {
    check_stored(caller, Action::Delete, current)?;
    Ok(Checked(ws_store::Write {
        res_type: current.res_type.clone(),
        id: current.id.clone(),
        prev_version: Some(current.version),
        content: None,
        index: ws_fhir::search_params::Extracted {
            compartment: Some(current.compartment.clone()).filter(|c| !c.is_empty()),
            ..Default::default()
        },
        last_updated: now,
    }))
}

/// The store, reachable only through the policy.
#[derive(Clone)]
pub(crate) struct Db {
    store: ws_store::Store,
}

/// A connection (reader, snapshot or write transaction) reachable only through the policy.
pub(crate) struct Tx {
    conn: ws_store::Conn,
}

impl Db {
    pub(crate) fn new(store: ws_store::Store) -> Db {
        Db { store }
    }
    pub(crate) async fn reader(&self) -> Result<Tx, FhirError> {
        Ok(Tx {
            conn: self.store.reader().await?,
        })
    }
    pub(crate) async fn snapshot(&self) -> Result<Tx, FhirError> {
        Ok(Tx {
            conn: self.store.snapshot().await?,
        })
    }
    pub(crate) async fn begin(&self) -> Result<Tx, FhirError> {
        Ok(Tx {
            conn: self.store.begin().await?,
        })
    }
    /// The raw store, for unrestricted callers only.
    pub(crate) fn raw(&self, _: &Unrestricted) -> &ws_store::Store {
        &self.store
    }
    /// [`Tx::read`] without holding a connection: on SQLite a point read on the calling
    /// thread.
    pub(crate) async fn read(
        &self,
        caller: &Caller,
        action: Action,
        res_type: &str,
        id: &str,
    ) -> Result<Option<StoredResource>, FhirError> {
        type_gate(caller, action, res_type)?;
        let found = self.store.read_resource(res_type, id).await?;
        admit_current(caller, action, res_type, id, found)
    }

    /// [`Tx::vread`] without holding a connection.
    pub(crate) async fn vread(
        &self,
        caller: &Caller,
        res_type: &str,
        id: &str,
        version: i64,
    ) -> Result<Option<StoredResource>, FhirError> {
        type_gate(caller, Action::Read, res_type)?;
        let found = self.store.vread_resource(res_type, id, version).await?;
        admit_version(caller, res_type, id, version, found)
    }

    pub(crate) async fn ping(&self) -> Result<(), FhirError> {
        Ok(self.store.ping().await?)
    }
}

/// What a caller may not read is, to them, missing: the same error as a missing id. (Type-level
/// refusals were answered before the record was loaded; what is refused here depends on the
/// record, so it must not differ from "not found". Staff included: a clinician who needs a
/// record outside their panel declares an emergency access for that patient.)
fn hidden_as_missing(e: FhirError, what: &str) -> FhirError {
    match e {
        FhirError::Forbidden(_) | FhirError::NotFound(_) => FhirError::NotFound(what.to_owned()),
        other => other,
    }
}

/// What [`Tx::read`] answers for a current version `found`: a resource the caller may not even
/// read is missing to them; one they may read but not change gets the reasoned refusal.
fn admit_current(
    caller: &Caller,
    action: Action,
    res_type: &str,
    id: &str,
    found: Option<StoredResource>,
) -> Result<Option<StoredResource>, FhirError> {
    let Some(r) = found else {
        return Ok(None);
    };
    let what = format!("{res_type}/{id}");
    if r.deleted {
        check(caller, action, res_type, Some(id), &r.compartment, None)
            .map_err(|e| hidden_as_missing(e, &what))?;
        return Ok(Some(r));
    }
    // What the caller may not read is missing to them; what they may read but not change
    // gets the reasoned refusal.
    check_stored(caller, Action::Read, &r).map_err(|e| hidden_as_missing(e, &what))?;
    if action != Action::Read {
        check_stored(caller, action, &r)?;
    }
    Ok(Some(r))
}

/// What [`Tx::vread`] answers for a version `found`.
fn admit_version(
    caller: &Caller,
    res_type: &str,
    id: &str,
    version: i64,
    found: Option<StoredResource>,
) -> Result<Option<StoredResource>, FhirError> {
    let Some(r) = found else {
        return Ok(None);
    };
    let what = format!("{res_type}/{id}/_history/{version}");
    if r.deleted {
        check(
            caller,
            Action::Read,
            res_type,
            Some(id),
            &r.compartment,
            None,
        )
        .map_err(|e| hidden_as_missing(e, &what))?;
    } else {
        check_stored(caller, Action::Read, &r).map_err(|e| hidden_as_missing(e, &what))?;
    }
    Ok(Some(r))
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<(), FhirError> {
        Ok(self.conn.commit().await?)
    }

    /// The raw connection, for unrestricted callers only.
    pub(crate) fn raw(&mut self, _: &Unrestricted) -> &mut ws_store::Conn {
        &mut self.conn
    }

    pub(crate) async fn append_audit(
        &mut self,
        records: &[ws_store::AuditRecord],
    ) -> Result<(), FhirError> {
        Ok(self.conn.append_audit(records).await?)
    }

    // Bookkeeping that holds no health data: export jobs, counters, the access log by
    // compartment (its callers decide who may see it).
    pub(crate) async fn insert_export_job(
        &mut self,
        j: &ws_store::ExportJob,
    ) -> Result<(), FhirError> {
        Ok(self.conn.insert_export_job(j).await?)
    }
    pub(crate) async fn update_export_job(
        &mut self,
        id: &str,
        status: &str,
        output: Option<String>,
        error: Option<String>,
        finished_at: Option<i64>,
    ) -> Result<(), FhirError> {
        Ok(self
            .conn
            .update_export_job(id, status, output, error, finished_at)
            .await?)
    }
    pub(crate) async fn export_job(
        &mut self,
        id: &str,
    ) -> Result<Option<ws_store::ExportJob>, FhirError> {
        Ok(self.conn.export_job(id).await?)
    }
    pub(crate) async fn delete_export_job(&mut self, id: &str) -> Result<u64, FhirError> {
        Ok(self.conn.delete_export_job(id).await?)
    }
    pub(crate) async fn advance_counter(&mut self, name: &str, n: i64) -> Result<i64, FhirError> {
        Ok(ws_store::identity::advance_counter(&mut self.conn, name, n).await?)
    }
    /// Whose record `res_type/id` belongs to (for the audit of a refused attempt only: the
    /// member sees in their access log that someone tried).
    pub(crate) async fn compartment_of(
        &mut self,
        res_type: &str,
        id: &str,
    ) -> Result<Option<String>, FhirError> {
        Ok(self
            .conn
            .read(res_type, id)
            .await?
            .map(|r| r.compartment)
            .filter(|c| !c.is_empty()))
    }
    pub(crate) async fn list_audit_newest(
        &mut self,
        compartment: &str,
        before_seq: i64,
        limit: i64,
    ) -> Result<Vec<(i64, ws_store::AuditRecord)>, FhirError> {
        Ok(self
            .conn
            .list_audit_newest(compartment, before_seq, limit)
            .await?)
    }

    /// The current version of `res_type/id` if `caller` may do `action` on it. `Ok(None)` when it
    /// does not exist; a tombstone is returned (it carries no content) when the caller may
    /// reach the type in that compartment. A resource the caller may not even read answers,
    /// for people and apps, exactly as a missing one.
    pub(crate) async fn read(
        &mut self,
        caller: &Caller,
        action: Action,
        res_type: &str,
        id: &str,
    ) -> Result<Option<StoredResource>, FhirError> {
        type_gate(caller, action, res_type)?;
        let found = self.conn.read(res_type, id).await?;
        admit_current(caller, action, res_type, id, found)
    }

    /// One version, if the caller may read it (tombstones as in [`Tx::read`]).
    pub(crate) async fn vread(
        &mut self,
        caller: &Caller,
        res_type: &str,
        id: &str,
        version: i64,
    ) -> Result<Option<StoredResource>, FhirError> {
        type_gate(caller, Action::Read, res_type)?;
        let found = self.conn.vread(res_type, id, version).await?;
        admit_version(caller, res_type, id, version, found)
    }

    /// The current versions (tombstones included) of several resources a batch of updates will
    /// replace, each authorized for `Update` against what is stored.
    pub(crate) async fn read_current_for_update(
        &mut self,
        caller: &Caller,
        res_type: &str,
        ids: &[String],
    ) -> Result<Vec<StoredResource>, FhirError> {
        let rows = self.conn.read_current(res_type, ids).await?;
        for r in rows.iter().filter(|r| !r.deleted) {
            let what = format!("{res_type}/{}", r.id);
            check_stored(caller, Action::Read, r).map_err(|e| hidden_as_missing(e, &what))?;
            check_stored(caller, Action::Update, r)?;
        }
        Ok(rows)
    }

    /// A search restricted, in the SQL itself, to what the caller may see — the `_has` inner
    /// searches included, so they can only test what the caller could read.
    pub(crate) async fn search(
        &mut self,
        caller: &Caller,
        pairs: &[(String, String)],
        query: &ws_store::SearchQuery,
    ) -> Result<ws_store::SearchPage, FhirError> {
        let mut q = query.clone();
        restrict_has(caller, &mut q.filters);
        q.filters
            .extend(search_restriction(caller, &q.res_type, pairs)?);
        Ok(self.conn.search(&q).await?)
    }

    /// Resources of one type by id (for `_include`), only those the caller may read.
    pub(crate) async fn read_many(
        &mut self,
        caller: &Caller,
        res_type: &str,
        ids: &[String],
    ) -> Result<Vec<StoredResource>, FhirError> {
        let mut rows = self.conn.read_many(res_type, ids).await?;
        rows.retain(|r| may_read(caller, r));
        Ok(rows)
    }

    /// Where `ids` point through `param` (type and id only: what is read is filtered).
    pub(crate) async fn references_from(
        &mut self,
        res_type: &str,
        ids: &[String],
        param: Option<&str>,
    ) -> Result<Vec<(String, String)>, FhirError> {
        Ok(self.conn.references_from(res_type, ids, param).await?)
    }

    /// Resources referring to `ids` (for `_revinclude`), only those the caller may read.
    pub(crate) async fn referrers(
        &mut self,
        caller: &Caller,
        source_type: &str,
        param: Option<&str>,
        target_type: &str,
        ids: &[String],
        limit: i64,
    ) -> Result<Vec<StoredResource>, FhirError> {
        let mut rows = self
            .conn
            .referrers(source_type, param, target_type, ids, limit)
            .await?;
        rows.retain(|r| may_read(caller, r));
        Ok(rows)
    }

    /// History entries the caller may read, and how many of the stored total they may see.
    /// Tombstones follow the current resource's decision (the caller of an instance history
    /// has already been checked on it; other histories are for unrestricted callers).
    pub(crate) async fn history(
        &mut self,
        caller: &Caller,
        q: &ws_store::HistoryQuery,
    ) -> Result<(Vec<StoredResource>, i64), FhirError> {
        let (mut rows, total) = self.conn.history(q).await?;
        let before = rows.len();
        rows.retain(|r| r.deleted || may_read(caller, r));
        let hidden = i64::try_from(before - rows.len()).unwrap_or(0);
        Ok((rows, (total - hidden).max(0)))
    }

    /// A patient's compartment (`$everything`), only what the caller may read; `Ok(None)` when
    /// it holds more than `limit` resources.
    pub(crate) async fn compartment(
        &mut self,
        caller: &Caller,
        patient: &str,
        limit: i64,
    ) -> Result<Option<Vec<StoredResource>>, FhirError> {
        let mut rows = self.conn.compartment_resources(patient, limit + 1).await?;
        if rows.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
            return Ok(None);
        }
        rows.retain(|r| may_read(caller, r));
        Ok(Some(rows))
    }

    pub(crate) async fn put(
        &mut self,
        w: &Checked,
    ) -> Result<ws_store::WriteOutcome, ws_store::StoreError> {
        self.conn.put(&w.0).await
    }

    pub(crate) async fn put_many(
        &mut self,
        writes: &[Checked],
    ) -> Result<Vec<ws_store::WriteOutcome>, ws_store::StoreError> {
        self.conn.put_many(writes).await
    }
}

/// Restrict the inner search of every `_has` to what the caller may read of its source type:
/// otherwise `_has` answers "does a hidden resource match?" (an existence oracle).
/// The inner search of a `_has` or a chain reads `res_type`: add the caller's restriction there.
/// No restriction (shared types, unrestricted callers) leaves the inner filter as it is, so it
/// stays an index lookup; a type the caller may not search matches nothing, silently.
fn restrict_inner(caller: &Caller, res_type: &str, inner: &mut Box<Filter>) {
    match search_restriction(caller, res_type, &[]) {
        Ok(extra) if extra.is_empty() => {}
        Ok(extra) => {
            let mut g = vec![(**inner).clone()];
            g.extend(extra);
            **inner = Filter::AnyOf(vec![g]);
        }
        Err(_) => **inner = Filter::AnyOf(Vec::new()),
    }
}

fn restrict_has(caller: &Caller, filters: &mut [Filter]) {
    for f in filters.iter_mut() {
        match f {
            Filter::Has {
                source_type, inner, ..
            } => {
                restrict_has(caller, std::slice::from_mut(inner.as_mut()));
                restrict_inner(caller, source_type, inner);
            }
            // A chain reads the target type: only what the caller may search there counts.
            Filter::Chain {
                target_type, inner, ..
            } => {
                restrict_has(caller, std::slice::from_mut(inner.as_mut()));
                restrict_inner(caller, target_type, inner);
            }
            Filter::Not(inner) => restrict_has(caller, std::slice::from_mut(inner.as_mut())),
            Filter::AnyOf(groups) => {
                for g in groups.iter_mut() {
                    restrict_has(caller, g);
                }
            }
            _ => {}
        }
    }
}
