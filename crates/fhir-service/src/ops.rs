//! Single-resource interactions: create, read, vread, update, delete, and their conditional forms.

use serde_json::{Map, Value};
use ws_fhir::{Issue, IssueCode, search_params, validate};
use ws_identity::Caller;
use ws_identity::rules::policy::Action;
use ws_store::{StoreError, StoredResource, Write};

use crate::access::Tx;
use crate::guards::{Change, ChangeKind, Facts};

use crate::{Fhir, FhirError, time};

/// The result of a write.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub res_type: String,
    pub id: String,
    pub version: i64,
    pub last_updated: i64,
    /// The stored JSON (`None` after a delete, or when a conditional create found a match).
    pub content: Option<String>,
    /// 201 for a new resource, 200 for a new version (or an existing match), 204 for a delete.
    pub status: u16,
}

impl Written {
    /// The stored resource as JSON (`None` after a delete).
    pub fn value(&self) -> Option<Value> {
        self.content
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
    }
}

/// How a conditional create or update resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Conditional {
    /// No match: go ahead.
    None,
    /// Exactly one match.
    One(StoredResource),
}

/// Parse and validate a request body as a resource of `expected_type` (when the URL names one).
pub fn parse_resource(body: &[u8], expected_type: Option<&str>) -> Result<Value, FhirError> {
    if body.len() > validate::MAX_RESOURCE_BYTES {
        return Err(FhirError::TooLarge(format!(
            "the body is {} bytes; the limit is {} bytes",
            body.len(),
            validate::MAX_RESOURCE_BYTES
        )));
    }
    let value = validate::parse_json(body).map_err(|i| FhirError::BadRequest(vec![i]))?;
    check_resource(&value, expected_type)?;
    Ok(value)
}

/// Parse a body as a JSON resource without validating its content (a Bundle's entries are
/// validated one by one, so errors name the entry).
pub(crate) fn parse_resource_shallow(body: &[u8]) -> Result<Value, FhirError> {
    if body.len() > validate::MAX_RESOURCE_BYTES {
        return Err(FhirError::TooLarge(format!(
            "the body is {} bytes; the limit is {} bytes",
            body.len(),
            validate::MAX_RESOURCE_BYTES
        )));
    }
    validate::parse_json(body).map_err(|i| FhirError::BadRequest(vec![i]))
}

/// Validate an already-parsed resource (e.g. a Bundle entry).
pub fn check_resource(value: &Value, expected_type: Option<&str>) -> Result<(), FhirError> {
    let rt = value
        .get("resourceType")
        .and_then(Value::as_str)
        .ok_or_else(|| FhirError::bad(IssueCode::Required, "resourceType is missing"))?;
    if !validate::is_resource_type(rt) {
        return Err(FhirError::BadRequest(vec![
            Issue::error(
                IssueCode::NotSupported,
                format!("unknown resource type '{rt}'"),
            )
            .at("resourceType"),
        ]));
    }
    if let Some(t) = expected_type
        && t != rt
    {
        return Err(FhirError::BadRequest(vec![
            Issue::error(
                IssueCode::Invalid,
                format!("the resource is a {rt} but the URL is for {t}"),
            )
            .at("resourceType"),
        ]));
    }
    let mut issues = validate::validate_resource(value);
    control_characters(value, rt, &mut issues);
    if !issues.is_empty() {
        return Err(FhirError::BadRequest(issues));
    }
    Ok(())
}

/// Is `c` a control character FHIR strings may not hold (below U+0020, not tab, CR or LF)?
fn forbidden_control(c: char) -> bool {
    c < ' ' && c != '\t' && c != '\r' && c != '\n'
}

/// Does any string in `v` hold a forbidden control character? (Cheap: no paths.)
fn any_control(v: &Value) -> bool {
    match v {
        Value::String(s) => s.chars().any(forbidden_control),
        Value::Array(a) => a.iter().any(any_control),
        Value::Object(m) => m.values().any(any_control),
        _ => false,
    }
}

/// FHIR strings may not contain characters below U+0020 other than tab, CR and LF. The paths
/// are built only when something is found.
fn control_characters(v: &Value, path: &str, issues: &mut Vec<Issue>) {
    if any_control(v) {
        control_character_paths(v, path, issues);
    }
}

fn control_character_paths(v: &Value, path: &str, issues: &mut Vec<Issue>) {
    match v {
        Value::String(s) if s.chars().any(forbidden_control) => {
            issues.push(
                Issue::error(
                    IssueCode::Value,
                    "control characters (other than tab, CR, LF) are not allowed in FHIR strings",
                )
                .at(path.to_owned()),
            );
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                control_character_paths(x, &format!("{path}[{i}]"), issues);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                control_character_paths(x, &format!("{path}.{k}"), issues);
            }
        }
        _ => {}
    }
}

/// Put `resourceType`, `id` and `meta` first and set the version metadata.
fn finish_resource(
    value: Value,
    res_type: &str,
    id: &str,
    version: i64,
    last_updated: i64,
) -> Map<String, Value> {
    let mut src = match value {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let mut meta = match src.shift_remove("meta") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    meta.shift_remove("versionId");
    meta.shift_remove("lastUpdated");
    let mut new_meta = Map::new();
    new_meta.insert("versionId".into(), Value::String(version.to_string()));
    new_meta.insert(
        "lastUpdated".into(),
        Value::String(time::instant(last_updated)),
    );
    new_meta.extend(meta);
    src.shift_remove("resourceType");
    src.shift_remove("id");
    let mut out = Map::new();
    out.insert("resourceType".into(), Value::String(res_type.to_owned()));
    out.insert("id".into(), Value::String(id.to_owned()));
    out.insert("meta".into(), Value::Object(new_meta));
    out.extend(src);
    out
}

/// The id rules of an update (`PUT Type/id`): a valid id, carried in the body, the same.
pub(crate) fn check_update_id(res_type: &str, id: &str, value: &Value) -> Result<(), FhirError> {
    if !validate::is_valid_id(id) {
        return Err(FhirError::bad(
            IssueCode::Invalid,
            format!("'{id}' is not a valid FHIR id"),
        ));
    }
    match value.get("id").and_then(Value::as_str) {
        None => Err(FhirError::BadRequest(vec![
            Issue::error(
                IssueCode::Required,
                "an update must carry the resource id in the body",
            )
            .at(format!("{res_type}.id")),
        ])),
        Some(body_id) if body_id != id => Err(FhirError::BadRequest(vec![
            Issue::error(
                IssueCode::Invalid,
                format!("the body's id '{body_id}' does not match the URL's id '{id}'"),
            )
            .at(format!("{res_type}.id")),
        ])),
        Some(_) => Ok(()),
    }
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn type_of(value: &Value) -> String {
    value
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Build the store write for a new version: stamps meta, extracts the search index.
pub(crate) fn build_write(
    value: Value,
    res_type: &str,
    id: &str,
    prev_version: Option<i64>,
    last_updated: i64,
) -> Result<(Write, String), FhirError> {
    let version = prev_version.map_or(1, |v| v + 1);
    let mut obj = Value::Object(finish_resource(value, res_type, id, version, last_updated));
    // Sensitive categories are labelled on every write path (PRX-03, PRX-06).
    ws_identity::rules::labels::apply(&mut obj);
    let index =
        search_params::extract(res_type, &obj).map_err(|i| FhirError::BadRequest(vec![i]))?;
    let content = serde_json::to_string(&obj)
        .map_err(|e| FhirError::bad(IssueCode::Exception, format!("cannot serialize: {e}")))?;
    Ok((
        Write {
            res_type: res_type.to_owned(),
            id: id.to_owned(),
            prev_version,
            content: Some(content.clone()),
            index,
            last_updated,
        },
        content,
    ))
}

pub(crate) fn conflict_to_error(e: StoreError, if_match: bool) -> FhirError {
    match e {
        StoreError::VersionConflict { res_type, id, .. } => {
            let msg = format!("{res_type}/{id} was changed by another request at the same time");
            if if_match {
                FhirError::PreconditionFailed(msg)
            } else {
                FhirError::Conflict(msg)
            }
        }
        other => FhirError::Store(other),
    }
}

impl Fhir {
    /// Ask every guard watching `res_type` about this write; write the companion updates they
    /// ask for in the same transaction, each at the version the guard read.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn run_guards(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        kind: ChangeKind,
        res_type: &str,
        id: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Result<(), FhirError> {
        if !self.guards.iter().any(|g| g.watches(res_type)) {
            return Ok(());
        }
        let parse = |s: Option<&str>| -> Result<Option<Value>, FhirError> {
            s.map(|s| {
                serde_json::from_str(s)
                    .map_err(|e| FhirError::bad(IssueCode::Exception, e.to_string()))
            })
            .transpose()
        };
        let (before, after) = (parse(before)?, parse(after)?);
        let change = Change {
            kind,
            res_type,
            id,
            before: before.as_ref(),
            after: after.as_ref(),
        };
        let now = self.clock.now_micros();
        for guard in self.guards.iter().filter(|g| g.watches(res_type)) {
            let companions = {
                let mut facts = Facts::new(tx, now);
                guard.check(&mut facts, caller, change).await?
            };
            for c in companions {
                let c_type = type_of(&c.value);
                let c_id = c
                    .value
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let (write, _) = build_write(c.value, &c_type, &c_id, Some(c.version), now)?;
                let system = Caller::system();
                let u = crate::access::Unrestricted::of(&system).ok_or_else(|| {
                    FhirError::bad(IssueCode::Exception, "system caller not available")
                })?;
                let write = crate::access::Checked::unrestricted(&u, write);
                tx.put(&write)
                    .await
                    .map_err(|e| conflict_to_error(e, false))?;
                tx.append_audit(&[caller.record(
                    now,
                    "update",
                    Some(&c_type),
                    Some(&c_id),
                    write.index.compartment.as_deref(),
                    "success",
                    Some(format!("follows from the write of {res_type}/{id}")),
                )])
                .await?;
            }
        }
        Ok(())
    }

    /// Record a failed attempt (the transaction that failed recorded nothing).
    pub fn audit_failure(
        &self,
        caller: &Caller,
        action: &str,
        res_type: Option<&str>,
        id: Option<&str>,
        err: &FhirError,
    ) {
        self.audit.record(caller.record(
            self.clock.now_micros(),
            action,
            res_type,
            id,
            None,
            err.audit_outcome(),
            Some(err.to_string()),
        ));
    }

    /// Record a failed attempt on one resource with the compartment it belongs to, so a refused
    /// attempt on a member's record shows in their "who looked at my record".
    pub(crate) async fn audit_refusal(
        &self,
        caller: &Caller,
        action: &str,
        res_type: &str,
        id: &str,
        err: &FhirError,
    ) {
        let compartment = if matches!(err.status(), 401 | 403 | 404) && validate::is_valid_id(id) {
            match self.db.reader().await {
                Ok(mut c) => c.compartment_of(res_type, id).await.ok().flatten(),
                Err(_) => None,
            }
        } else {
            None
        };
        self.audit.record(caller.record(
            self.clock.now_micros(),
            action,
            Some(res_type),
            Some(id),
            compartment.as_deref(),
            err.audit_outcome(),
            Some(err.to_string()),
        ));
    }

    /// Record a failed transaction (a Bundle, or a service's batch write) and pass the result on.
    pub(crate) fn audit_failed_transaction<T>(
        &self,
        caller: &Caller,
        res: Result<T, FhirError>,
    ) -> Result<T, FhirError> {
        if let Err(e) = &res {
            self.audit_failure(caller, "transaction", Some("Bundle"), None, e);
        }
        res
    }

    /// `create`, honouring `If-None-Exist` (a search query string).
    pub async fn create(
        &self,
        caller: &Caller,
        res_type: &str,
        body: &[u8],
        if_none_exist: Option<&str>,
    ) -> Result<Written, FhirError> {
        self.create_one(caller, res_type, body, None, if_none_exist)
            .await
    }

    /// One create in its own transaction, audited as a failure if it fails.
    async fn create_one(
        &self,
        caller: &Caller,
        res_type: &str,
        body: &[u8],
        id: Option<&str>,
        if_none_exist: Option<&str>,
    ) -> Result<Written, FhirError> {
        let res = async {
            check_type(res_type)?;
            if let Some(id) = id {
                check_id(res_type, id)?;
            }
            let value = parse_resource(body, Some(res_type))?;
            let mut tx = self.db.begin().await?;
            let w = self
                .create_in(&mut tx, caller, value, id.map(str::to_owned), if_none_exist)
                .await?;
            tx.commit().await?;
            Ok(w)
        }
        .await;
        if let Err(e) = &res {
            self.audit_failure(caller, "create", Some(res_type), id, e);
        }
        res
    }

    /// Create under an id the service chose, only if no resource of that type ever had it:
    /// `Conflict` otherwise. Services make an action happen once however often (and however
    /// concurrently) it is asked by giving its result a deterministic id — the store's primary
    /// key lets exactly one writer create it, on SQLite and PostgreSQL alike.
    pub async fn create_once(
        &self,
        caller: &Caller,
        res_type: &str,
        id: &str,
        body: &[u8],
    ) -> Result<Written, FhirError> {
        self.create_one(caller, res_type, body, Some(id), None)
            .await
    }

    /// Create inside a transaction. `id`: a server-chosen id (transaction bundles pre-assign them).
    pub(crate) async fn create_in(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        value: Value,
        id: Option<String>,
        if_none_exist: Option<&str>,
    ) -> Result<Written, FhirError> {
        let res_type = type_of(&value);
        if let Some(q) = if_none_exist
            && let Conditional::One(existing) = self
                .resolve_conditional(tx, caller, Action::Create, &res_type, q)
                .await?
        {
            {
                tx.append_audit(&[caller.record(
                    self.clock.now_micros(),
                    "create",
                    Some(&res_type),
                    Some(&existing.id),
                    Some(&existing.compartment),
                    "success",
                    Some("conditional create matched an existing resource; nothing written".into()),
                )])
                .await?;
                return Ok(Written {
                    res_type,
                    id: existing.id,
                    version: existing.version,
                    last_updated: existing.last_updated,
                    content: existing.content,
                    status: 200,
                });
            }
        }
        let id = id.unwrap_or_else(new_id);
        let now = self.clock.now_micros();
        let (write, content) = build_write(value, &res_type, &id, None, now)?;
        let write = self.check_content(caller, Action::Create, &res_type, &id, write, &content)?;
        self.run_guards(
            tx,
            caller,
            ChangeKind::Create,
            &res_type,
            &id,
            None,
            Some(&content),
        )
        .await?;
        let out = tx
            .put(&write)
            .await
            .map_err(|e| conflict_to_error(e, false))?;
        tx.append_audit(&[caller.record(
            self.clock.now_micros(),
            "create",
            Some(&res_type),
            Some(&id),
            write.index.compartment.as_deref(),
            "success",
            None,
        )])
        .await?;
        Ok(Written {
            res_type,
            id,
            version: out.version,
            last_updated: now,
            content: Some(content),
            status: 201,
        })
    }

    /// Find what a conditional create/update/delete query matches: none, one, or (error)
    /// several. The caller's right to `action` on the type is decided first, and the criteria
    /// are searched with the caller's restriction, so they match only what the caller may see:
    /// a hidden resource resolves exactly as a missing one.
    pub(crate) async fn resolve_conditional(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        action: Action,
        res_type: &str,
        query: &str,
    ) -> Result<Conditional, FhirError> {
        check_type(res_type)?;
        self.gate_conditional(caller, action, res_type)?;
        let pairs = crate::query::parse_query_string(query);
        if pairs.is_empty() {
            return Err(FhirError::bad(
                IssueCode::Invalid,
                "a conditional operation needs search criteria",
            ));
        }
        let mut q = crate::query::parse_search(res_type, &pairs, false)?.query;
        q.count = 2;
        q.want_total = false;
        q.after = None;
        let page = tx.search(caller, &pairs, &q).await?;
        match page.rows.len() {
            0 => Ok(Conditional::None),
            1 => Ok(page
                .rows
                .into_iter()
                .next()
                .map_or(Conditional::None, Conditional::One)),
            _ => Err(FhirError::PreconditionFailed(format!(
                "the conditional criteria '{query}' match more than one {res_type}"
            ))),
        }
    }

    /// `read`: the current version; 410 if deleted.
    pub async fn read(
        &self,
        caller: &Caller,
        res_type: &str,
        id: &str,
    ) -> Result<StoredResource, FhirError> {
        let res = async {
            check_type(res_type)?;
            check_id(res_type, id)?;
            self.gate(caller, res_type)?;
            match self.db.read(caller, Action::Read, res_type, id).await? {
                None => Err(FhirError::NotFound(format!("{res_type}/{id}"))),
                Some(r) if r.deleted => Err(FhirError::Gone(format!("{res_type}/{id}"))),
                Some(r) => Ok(r),
            }
        }
        .await;
        self.audit_read(caller, "read", res_type, id, &res).await;
        res
    }

    /// [`Fhir::read`] for services: the resource as JSON.
    pub async fn read_value(
        &self,
        caller: &Caller,
        res_type: &str,
        id: &str,
    ) -> Result<Value, FhirError> {
        let r = self.read(caller, res_type, id).await?;
        let text = r
            .content
            .ok_or_else(|| FhirError::NotFound(format!("{res_type}/{id}")))?;
        serde_json::from_str(&text).map_err(|e| {
            FhirError::bad(IssueCode::Exception, format!("stored {res_type}/{id}: {e}"))
        })
    }

    /// `vread`: one version.
    pub async fn vread(
        &self,
        caller: &Caller,
        res_type: &str,
        id: &str,
        version: &str,
    ) -> Result<StoredResource, FhirError> {
        let res = async {
            check_type(res_type)?;
            check_id(res_type, id)?;
            let v: i64 = version.parse().map_err(|_| {
                FhirError::bad(
                    IssueCode::Invalid,
                    format!("version '{version}' is not a number"),
                )
            })?;
            self.gate(caller, res_type)?;
            match self.db.vread(caller, res_type, id, v).await? {
                None => Err(FhirError::NotFound(format!("{res_type}/{id}/_history/{v}"))),
                Some(r) if r.deleted => {
                    Err(FhirError::Gone(format!("{res_type}/{id}/_history/{v}")))
                }
                Some(r) => Ok(r),
            }
        }
        .await;
        self.audit_read(caller, "vread", res_type, id, &res).await;
        res
    }

    async fn audit_read(
        &self,
        caller: &Caller,
        action: &str,
        res_type: &str,
        id: &str,
        res: &Result<StoredResource, FhirError>,
    ) {
        match res {
            Ok(r) => {
                self.audit.record(caller.record(
                    self.clock.now_micros(),
                    action,
                    Some(res_type),
                    Some(id),
                    Some(&r.compartment),
                    "success",
                    None,
                ));
            }
            Err(e) => self.audit_refusal(caller, action, res_type, id, e).await,
        }
    }

    /// `update` (and update-as-create), honouring `If-Match: W/"n"`.
    pub async fn update(
        &self,
        caller: &Caller,
        res_type: &str,
        id: &str,
        body: &[u8],
        if_match: Option<&str>,
    ) -> Result<Written, FhirError> {
        let res = async {
            check_type(res_type)?;
            let value = parse_resource(body, Some(res_type))?;
            let if_match = if_match.map(parse_etag).transpose()?;
            // Without If-Match the client asked for "the latest, whatever it is": if another
            // writer got in between our read and our write, try again on the new version.
            let mut attempt = 0;
            loop {
                attempt += 1;
                let mut tx = self.db.begin().await?;
                match self
                    .update_in(&mut tx, caller, res_type, id, value.clone(), if_match)
                    .await
                {
                    Ok(w) => {
                        tx.commit().await?;
                        return Ok(w);
                    }
                    Err(FhirError::Conflict(_)) if if_match.is_none() && attempt < 3 => {
                        drop(tx);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        .await;
        if let Err(e) = &res {
            self.audit_refusal(caller, "update", res_type, id, e).await;
        }
        res
    }

    pub(crate) async fn update_in(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        res_type: &str,
        id: &str,
        value: Value,
        if_match: Option<i64>,
    ) -> Result<Written, FhirError> {
        check_update_id(res_type, id, &value)?;
        let current = tx.read(caller, Action::Update, res_type, id).await?;
        if let Some(expected) = if_match {
            match &current {
                Some(c) if c.version == expected && !c.deleted => {}
                Some(c) => {
                    return Err(FhirError::PreconditionFailed(format!(
                        "If-Match expected version {expected} of {res_type}/{id}, but it is at version {}{}",
                        c.version,
                        if c.deleted { " (deleted)" } else { "" }
                    )));
                }
                None => {
                    return Err(FhirError::PreconditionFailed(format!(
                        "If-Match given but {res_type}/{id} does not exist"
                    )));
                }
            }
        }
        let prev = current.as_ref().map(|c| c.version);
        let created = current.as_ref().is_none_or(|c| c.deleted);
        let now = self.clock.now_micros();
        let (write, content) = build_write(value, res_type, id, prev, now)?;
        let action = if created {
            Action::Create
        } else {
            Action::Update
        };
        let write = self.check_content(caller, action, res_type, id, write, &content)?;
        let before = current
            .as_ref()
            .filter(|c| !c.deleted)
            .and_then(|c| c.content.as_deref());
        let kind = if created {
            ChangeKind::Create
        } else {
            ChangeKind::Update
        };
        self.run_guards(tx, caller, kind, res_type, id, before, Some(&content))
            .await?;
        let out = tx
            .put(&write)
            .await
            .map_err(|e| conflict_to_error(e, if_match.is_some()))?;
        tx.append_audit(&[caller.record(
            self.clock.now_micros(),
            if created { "create" } else { "update" },
            Some(res_type),
            Some(id),
            write.index.compartment.as_deref(),
            "success",
            None,
        )])
        .await?;
        Ok(Written {
            res_type: res_type.to_owned(),
            id: id.to_owned(),
            version: out.version,
            last_updated: now,
            content: Some(content),
            status: if created { 201 } else { 200 },
        })
    }

    /// Conditional update: `PUT Type?criteria`.
    pub async fn conditional_update(
        &self,
        caller: &Caller,
        res_type: &str,
        query: &str,
        body: &[u8],
    ) -> Result<Written, FhirError> {
        let res = async {
            check_type(res_type)?;
            let value = parse_resource(body, Some(res_type))?;
            let mut tx = self.db.begin().await?;
            let w = self
                .conditional_update_in(&mut tx, caller, res_type, query, value)
                .await?;
            tx.commit().await?;
            Ok(w)
        }
        .await;
        if let Err(e) = &res {
            self.audit_failure(caller, "update", Some(res_type), None, e);
        }
        res
    }

    pub(crate) async fn conditional_update_in(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        res_type: &str,
        query: &str,
        mut value: Value,
    ) -> Result<Written, FhirError> {
        match self
            .resolve_conditional(tx, caller, Action::Update, res_type, query)
            .await?
        {
            Conditional::One(existing) => {
                if let Some(body_id) = value.get("id").and_then(Value::as_str)
                    && body_id != existing.id
                {
                    return Err(FhirError::BadRequest(vec![Issue::error(
                        IssueCode::Invalid,
                        format!(
                            "the body's id '{body_id}' differs from the matched resource {res_type}/{}",
                            existing.id
                        ),
                    )]));
                }
                if let Some(o) = value.as_object_mut() {
                    o.insert("id".into(), Value::String(existing.id.clone()));
                }
                self.update_in(tx, caller, res_type, &existing.id, value, None)
                    .await
            }
            Conditional::None => match value.get("id").and_then(Value::as_str).map(str::to_owned) {
                Some(id) => self.update_in(tx, caller, res_type, &id, value, None).await,
                None => self.create_in(tx, caller, value, None, None).await,
            },
        }
    }

    /// `delete`: writes a tombstone version. Deleting a deleted resource is a no-op (204).
    pub async fn delete(
        &self,
        caller: &Caller,
        res_type: &str,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<Written, FhirError> {
        let res = async {
            check_type(res_type)?;
            check_id(res_type, id)?;
            let if_match = if_match.map(parse_etag).transpose()?;
            let mut tx = self.db.begin().await?;
            let w = self
                .delete_in(&mut tx, caller, res_type, id, if_match)
                .await?;
            tx.commit().await?;
            Ok(w)
        }
        .await;
        if let Err(e) = &res {
            self.audit_refusal(caller, "delete", res_type, id, e).await;
        }
        res
    }

    /// Conditional delete: `DELETE Type?criteria` (one match is deleted; none is a no-op;
    /// several are refused with 412).
    pub async fn conditional_delete(
        &self,
        caller: &Caller,
        res_type: &str,
        query: &str,
    ) -> Result<Option<Written>, FhirError> {
        let res = async {
            check_type(res_type)?;
            let mut tx = self.db.begin().await?;
            let out = match self
                .resolve_conditional(&mut tx, caller, Action::Delete, res_type, query)
                .await?
            {
                Conditional::One(r) => Some(
                    self.delete_in(&mut tx, caller, res_type, &r.id, None)
                        .await?,
                ),
                Conditional::None => None,
            };
            tx.commit().await?;
            Ok(out)
        }
        .await;
        if let Err(e) = &res {
            self.audit_failure(caller, "delete", Some(res_type), None, e);
        }
        res
    }

    pub(crate) async fn delete_in(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        res_type: &str,
        id: &str,
        if_match: Option<i64>,
    ) -> Result<Written, FhirError> {
        let current = tx
            .read(caller, Action::Delete, res_type, id)
            .await?
            .ok_or_else(|| FhirError::NotFound(format!("{res_type}/{id}")))?;
        if let Some(expected) = if_match
            && expected != current.version
        {
            return Err(FhirError::PreconditionFailed(format!(
                "If-Match expected version {expected} of {res_type}/{id}, but it is at version {}",
                current.version
            )));
        }
        if current.deleted {
            return Ok(Written {
                res_type: res_type.to_owned(),
                id: id.to_owned(),
                version: current.version,
                last_updated: current.last_updated,
                content: None,
                status: 204,
            });
        }
        let comp = Some(current.compartment.clone()).filter(|c| !c.is_empty());
        let now = self.clock.now_micros();
        let write = crate::access::tombstone(caller, &current, now)?;
        self.run_guards(
            tx,
            caller,
            ChangeKind::Delete,
            res_type,
            id,
            current.content.as_deref(),
            None,
        )
        .await?;
        let out = tx
            .put(&write)
            .await
            .map_err(|e| conflict_to_error(e, if_match.is_some()))?;
        tx.append_audit(&[caller.record(
            self.clock.now_micros(),
            "delete",
            Some(res_type),
            Some(id),
            comp.as_deref(),
            "success",
            None,
        )])
        .await?;
        Ok(Written {
            res_type: res_type.to_owned(),
            id: id.to_owned(),
            version: out.version,
            last_updated: now,
            content: None,
            status: 204,
        })
    }
}

/// Reject an unknown resource type in a URL.
pub(crate) fn check_type(res_type: &str) -> Result<(), FhirError> {
    if validate::is_resource_type(res_type) {
        Ok(())
    } else {
        Err(FhirError::NotFound(format!("resource type '{res_type}'")))
    }
}

/// An id in a URL that no resource can have is simply not found.
pub(crate) fn check_id(res_type: &str, id: &str) -> Result<(), FhirError> {
    if validate::is_valid_id(id) {
        Ok(())
    } else {
        Err(FhirError::NotFound(format!("{res_type}/{id}")))
    }
}

/// Parse an ETag / If-Match value: `W/"3"`, `"3"` or `3`.
pub(crate) fn parse_etag(s: &str) -> Result<i64, FhirError> {
    let t = s.trim();
    let t = t.strip_prefix("W/").unwrap_or(t);
    let t = t.trim_matches('"');
    t.parse().map_err(|_| {
        FhirError::bad(
            IssueCode::Invalid,
            format!("If-Match '{s}' is not a version ETag such as W/\"3\""),
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn etags() {
        assert_eq!(parse_etag("W/\"3\"").unwrap(), 3);
        assert_eq!(parse_etag("\"12\"").unwrap(), 12);
        assert_eq!(parse_etag("7").unwrap(), 7);
        assert!(parse_etag("W/\"x\"").is_err());
    }

    #[test]
    fn finish_puts_meta_first_and_drops_client_version() {
        let v = serde_json::json!({"gender": "female", "meta": {"versionId": "99", "tag": [{"code": "x"}]}, "resourceType": "Patient", "id": "a"});
        let m = finish_resource(v, "Patient", "a", 2, 0);
        let keys: Vec<&String> = m.keys().collect();
        assert_eq!(keys, ["resourceType", "id", "meta", "gender"]);
        assert_eq!(m["meta"]["versionId"], "2");
        assert_eq!(m["meta"]["tag"][0]["code"], "x");
    }

    /// The service takes time from its injected clock: `meta.lastUpdated` of a created (and
    /// then updated) resource, and the audit record of the write, are the fixed clock's time.
    #[tokio::test]
    async fn last_updated_comes_from_the_injected_clock() {
        use crate::{Caller, Clock, Fhir};
        use jiff::SignedDuration;
        use ws_store::Store;

        let dir = std::env::temp_dir().join(format!(
            "wellspring-fhir-clock-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let store = Store::connect(&format!("sqlite://{}", dir.join("t.db").display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let (auditor, audit_task) = ws_audit::Auditor::start(store.clone());
        let start: jiff::Timestamp = "2026-05-04T03:02:01.123456Z".parse().unwrap();
        let clock = Clock::fixed(start);
        let fhir = Fhir::new(
            store.clone(),
            auditor,
            "http://127.0.0.1:8080/fhir".into(),
            dir.join("exports"),
        )
        .with_clock(clock.clone());
        let caller = Caller::system();

        let w = fhir
            .create(
                &caller,
                "Patient",
                br#"{"resourceType":"Patient","gender":"female"}"#,
                None,
            )
            .await
            .unwrap();
        assert_eq!(w.status, 201);
        assert_eq!(w.last_updated, start.as_microsecond());
        let v: Value = serde_json::from_str(w.content.as_deref().unwrap()).unwrap();
        assert_eq!(v["meta"]["lastUpdated"], "2026-05-04T03:02:01.123456Z");

        clock.advance(SignedDuration::from_hours(25));
        let body = serde_json::json!({"resourceType": "Patient", "id": w.id, "gender": "male"});
        let w2 = fhir
            .update(&caller, "Patient", &w.id, body.to_string().as_bytes(), None)
            .await
            .unwrap();
        assert_eq!(w2.version, 2);
        let r = fhir.read(&caller, "Patient", &w.id).await.unwrap();
        assert_eq!(r.last_updated, clock.now_micros());
        let v: Value = serde_json::from_str(r.content.as_deref().unwrap()).unwrap();
        assert_eq!(v["meta"]["lastUpdated"], "2026-05-05T04:02:01.123456Z");

        // The audit records of the two writes carry the clock's times too.
        fhir.audit.flush().await;
        let mut c = store.reader().await.unwrap();
        let audit = c.list_audit(None, 0, 100).await.unwrap();
        drop(c);
        let times: Vec<(&str, i64)> = audit
            .iter()
            .filter(|(_, r)| r.action == "create" || r.action == "update")
            .map(|(_, r)| (r.action.as_str(), r.recorded_at))
            .collect();
        assert_eq!(
            times,
            [
                ("create", start.as_microsecond()),
                ("update", clock.now_micros())
            ],
            "{audit:?}"
        );
        drop(fhir);
        let _ = audit_task.await;
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
