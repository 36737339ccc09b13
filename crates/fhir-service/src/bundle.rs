//! Bundles: search results, history, and transaction / batch processing.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};
use ws_fhir::{Issue, IssueCode, validate};
use ws_identity::Caller;
use ws_identity::rules::policy::Action;
use ws_store::{HistoryQuery, StoredResource};

use crate::access::Tx;

use crate::ops::{check_resource, check_type, new_id, parse_etag};
use crate::query::{Include, ParsedSearch, parse_query_string, parse_search};
use crate::{Fhir, FhirError, Written, time};

/// Most resources `_revinclude` adds to one page.
const MAX_REVINCLUDE: i64 = 1000;

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Characters escaped in a link's query values: everything but unreserved characters and the
/// few FHIR search syntax characters that are safe in a query (`:`, `/`, `,`).
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b',');

/// Encode a query pair for a link.
fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Keep only the requested top-level elements (plus the mandatory ones) and mark it SUBSETTED.
fn apply_elements(content: &str, elements: &[String]) -> String {
    let Ok(Value::Object(mut m)) = serde_json::from_str::<Value>(content) else {
        return content.to_owned();
    };
    m.retain(|k, _| {
        k == "resourceType" || k == "id" || k == "meta" || elements.iter().any(|e| e == k)
    });
    if let Some(Value::Object(meta)) = m.get_mut("meta") {
        let tag = json!({"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED"});
        match meta.get_mut("tag") {
            Some(Value::Array(a)) => a.push(tag),
            _ => {
                meta.insert("tag".into(), json!([tag]));
            }
        }
    }
    serde_json::to_string(&Value::Object(m)).unwrap_or_default()
}

/// The most resources `Patient/$everything` returns in one Bundle.
pub const EVERYTHING_MAX: i64 = 10_000;

impl Fhir {
    fn full_url(&self, res_type: &str, id: &str) -> String {
        format!("{}/{res_type}/{id}", self.base_url)
    }

    /// Run a search and render the searchset Bundle. `compartment` restricts to one patient
    /// (used by `Patient/{id}/Type` style searches and, later, by authorization).
    pub async fn search(
        &self,
        caller: &Caller,
        res_type: &str,
        pairs: &[(String, String)],
        lenient: bool,
        compartment: Option<&str>,
    ) -> Result<String, FhirError> {
        let res = async {
            self.gate(caller, res_type)?;
            let mut parsed = parse_search(res_type, pairs, lenient)?;
            if let Some(c) = compartment {
                parsed
                    .query
                    .filters
                    .push(ws_store::Filter::Compartment(c.to_owned()));
            }
            let mut conn = self.db.snapshot().await?;
            let page = conn.search(caller, pairs, &parsed.query).await?;
            // Includes follow references out of the caller's view: the guarded reads keep only
            // what they may read.
            let (included, _) = self
                .collect_includes(&mut conn, caller, &parsed, &page.rows)
                .await?;
            let comps: Vec<String> = included
                .iter()
                .map(|r| r.compartment.clone())
                .filter(|c| !c.is_empty())
                .collect();
            conn.commit().await?;
            let mut compartments: HashSet<&str> =
                page.rows.iter().map(|r| r.compartment.as_str()).collect();
            compartments.extend(comps.iter().map(String::as_str));
            for c in compartments.into_iter().filter(|c| !c.is_empty()) {
                self.audit.record(caller.record(
                    self.clock.now_micros(),
                    "search",
                    Some(res_type),
                    None,
                    Some(c),
                    "success",
                    Some(query_string(pairs)),
                ));
            }
            self.audit.record(caller.record(
                self.clock.now_micros(),
                "search",
                Some(res_type),
                None,
                None,
                "success",
                Some(format!(
                    "{} ({} matched on this page)",
                    query_string(pairs),
                    page.rows.len()
                )),
            ));
            Ok(self.render_searchset(res_type, &parsed, &page, &included))
        }
        .await;
        if let Err(e) = &res {
            self.audit_failure(caller, "search", Some(res_type), None, e);
        }
        res
    }

    /// A search for services (no Bundle): every match up to `max`, as parsed resources, under
    /// the same authorization and audit as [`Fhir::search`].
    pub async fn search_resources(
        &self,
        caller: &Caller,
        res_type: &str,
        pairs: &[(String, String)],
        max: i64,
    ) -> Result<Vec<Value>, FhirError> {
        let res = async {
            self.gate(caller, res_type)?;
            let mut parsed = parse_search(res_type, pairs, false)?;
            parsed.query.count = max;
            parsed.query.want_total = false;
            let mut conn = self.db.snapshot().await?;
            let page = conn.search(caller, pairs, &parsed.query).await?;
            conn.commit().await?;
            let mut out = Vec::with_capacity(page.rows.len());
            let mut compartments: HashSet<&str> = HashSet::new();
            for r in &page.rows {
                if let Some(c) = &r.content {
                    out.push(serde_json::from_str(c).map_err(|e| {
                        FhirError::bad(IssueCode::Exception, format!("stored JSON: {e}"))
                    })?);
                }
                if !r.compartment.is_empty() {
                    compartments.insert(r.compartment.as_str());
                }
            }
            for c in compartments {
                self.audit.record(caller.record(
                    self.clock.now_micros(),
                    "search",
                    Some(res_type),
                    None,
                    Some(c),
                    "success",
                    Some(query_string(pairs)),
                ));
            }
            Ok(out)
        }
        .await;
        if let Err(e) = &res {
            self.audit_failure(caller, "search", Some(res_type), None, e);
        }
        res
    }

    /// How many resources match a search, under the caller's authorization (no content is
    /// read or returned; a count reveals no more than the caller could list).
    pub async fn search_count(
        &self,
        caller: &Caller,
        res_type: &str,
        pairs: &[(String, String)],
    ) -> Result<i64, FhirError> {
        let res = async {
            self.gate(caller, res_type)?;
            let mut parsed = parse_search(res_type, pairs, false)?;
            parsed.query.count = 0;
            parsed.query.want_total = true;
            let mut conn = self.db.snapshot().await?;
            let page = conn.search(caller, pairs, &parsed.query).await?;
            conn.commit().await?;
            Ok(page.total.unwrap_or(0))
        }
        .await;
        if let Err(e) = &res {
            self.audit_failure(caller, "search", Some(res_type), None, e);
        }
        res
    }

    async fn collect_includes(
        &self,
        conn: &mut Tx,
        caller: &Caller,
        parsed: &ParsedSearch,
        rows: &[StoredResource],
    ) -> Result<(Vec<StoredResource>, Vec<String>), FhirError> {
        let mut out: Vec<StoredResource> = Vec::new();
        if rows.is_empty() || (parsed.includes.is_empty() && parsed.revincludes.is_empty()) {
            return Ok((out, Vec::new()));
        }
        let res_type = &parsed.query.res_type;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let mut seen: HashSet<(String, String)> = rows
            .iter()
            .map(|r| (r.res_type.clone(), r.id.clone()))
            .collect();
        for inc in &parsed.includes {
            let refs = conn
                .references_from(res_type, &ids, inc.param.as_deref())
                .await?;
            let mut by_type: HashMap<String, Vec<String>> = HashMap::new();
            for (t, id) in refs {
                if inc.target_type.as_ref().is_some_and(|tt| *tt != t)
                    || seen.contains(&(t.clone(), id.clone()))
                {
                    continue;
                }
                by_type.entry(t).or_default().push(id);
            }
            let mut types: Vec<_> = by_type.into_iter().collect();
            types.sort();
            for (t, ids) in types {
                for r in conn.read_many(caller, &t, &ids).await? {
                    if seen.insert((r.res_type.clone(), r.id.clone())) {
                        out.push(r);
                    }
                }
            }
        }
        for Include {
            source_type, param, ..
        } in &parsed.revincludes
        {
            for r in conn
                .referrers(
                    caller,
                    source_type,
                    param.as_deref(),
                    res_type,
                    &ids,
                    MAX_REVINCLUDE,
                )
                .await?
            {
                if seen.insert((r.res_type.clone(), r.id.clone())) {
                    out.push(r);
                }
            }
        }
        let comps = out
            .iter()
            .map(|r| r.compartment.clone())
            .filter(|c| !c.is_empty())
            .collect();
        Ok((out, comps))
    }

    fn render_searchset(
        &self,
        res_type: &str,
        parsed: &ParsedSearch,
        page: &ws_store::SearchPage,
        included: &[StoredResource],
    ) -> String {
        let mut s = String::with_capacity(
            256 + page
                .rows
                .iter()
                .map(|r| r.content.as_ref().map_or(0, String::len) + 120)
                .sum::<usize>(),
        );
        s.push_str(r#"{"resourceType":"Bundle","id":"#);
        s.push_str(&js(&new_id()));
        s.push_str(r#","meta":{"lastUpdated":"#);
        s.push_str(&js(&time::instant(self.clock.now_micros())));
        s.push_str(r#"},"type":"searchset""#);
        if let Some(t) = page.total {
            s.push_str(&format!(r#","total":{t}"#));
        }
        let base = format!("{}/{res_type}", self.base_url);
        let mut self_pairs = parsed.echo.clone();
        if let Some(c) = &parsed.query.after {
            self_pairs.push(("_cursor".into(), c.encode()));
        }
        s.push_str(r#","link":[{"relation":"self","url":"#);
        s.push_str(&js(&format!("{base}?{}", query_string(&self_pairs))));
        s.push('}');
        if let Some(next) = &page.next {
            let mut next_pairs = parsed.echo.clone();
            next_pairs.push(("_cursor".into(), next.encode()));
            s.push_str(r#",{"relation":"next","url":"#);
            s.push_str(&js(&format!("{base}?{}", query_string(&next_pairs))));
            s.push('}');
        }
        s.push(']');
        let mut first = true;
        let mut entry = |s: &mut String, r: &StoredResource, mode: &str| {
            let Some(content) = &r.content else { return };
            s.push_str(if first { r#","entry":["# } else { "," });
            first = false;
            s.push_str(r#"{"fullUrl":"#);
            s.push_str(&js(&self.full_url(&r.res_type, &r.id)));
            s.push_str(r#","resource":"#);
            match (&parsed.elements, mode) {
                (Some(el), "match") => s.push_str(&apply_elements(content, el)),
                _ => s.push_str(content),
            }
            s.push_str(r#","search":{"mode":""#);
            s.push_str(mode);
            s.push_str(r#""}}"#);
        };
        for r in &page.rows {
            entry(&mut s, r, "match");
        }
        for r in included {
            entry(&mut s, r, "include");
        }
        if !parsed.ignored.is_empty() {
            let oo = ws_fhir::operation_outcome(&[Issue {
                severity: ws_fhir::Severity::Warning,
                code: IssueCode::NotSupported,
                diagnostics: format!(
                    "ignored unknown search parameters: {}",
                    parsed.ignored.join(", ")
                ),
                expression: None,
                details: None,
            }]);
            s.push_str(if first { r#","entry":["# } else { "," });
            first = false;
            s.push_str(r#"{"resource":"#);
            s.push_str(&oo.to_string());
            s.push_str(r#","search":{"mode":"outcome"}}"#);
        }
        if !first {
            s.push(']');
        }
        s.push('}');
        s
    }

    /// History of an instance, a type, or the whole system, newest first.
    pub async fn history(
        &self,
        caller: &Caller,
        res_type: Option<&str>,
        id: Option<&str>,
        pairs: &[(String, String)],
    ) -> Result<String, FhirError> {
        let res = async {
            if let Some(t) = res_type {
                check_type(t)?;
            }
            let mut q = HistoryQuery { res_type: res_type.map(str::to_owned), id: id.map(str::to_owned), count: crate::query::DEFAULT_COUNT, ..Default::default() };
            for (k, v) in pairs {
                match k.as_str() {
                    "_count" => {
                        q.count = v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| FhirError::bad(IssueCode::Invalid, format!("_count '{v}' is not a whole number")))?.min(crate::query::MAX_COUNT);
                    }
                    "_since" => {
                        let (lo, _) = ws_fhir::search_params::date_range(v).ok_or_else(|| FhirError::bad(IssueCode::Invalid, format!("_since '{v}' is not a valid instant")))?;
                        q.since = Some(lo);
                    }
                    "_snapshot" => q.at_or_before = Some(v.parse().map_err(|_| FhirError::bad(IssueCode::Invalid, "_snapshot is not valid"))?),
                    "_offset" => q.offset = v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| FhirError::bad(IssueCode::Invalid, "_offset is not valid"))?,
                    "_format" | "_pretty" => {}
                    other => return Err(FhirError::BadRequest(vec![Issue::error(IssueCode::NotSupported, format!("unknown history parameter '{other}'")).at(other.to_owned())])),
                }
            }
            let snapshot = q.at_or_before.unwrap_or_else(|| self.clock.now_micros());
            q.at_or_before = Some(snapshot);
            let mut conn = self.db.reader().await?;
            if let (Some(t), Some(i)) = (res_type, id) {
                crate::ops::check_id(t, i)?;
            }
            let unrestricted = matches!(
                caller.principal,
                ws_identity::Principal::System | ws_identity::Principal::Integration { .. }
            );
            match (res_type, id) {
                // The resource itself decides (its labels included): a hidden resource's history
                // answers as a missing one's.
                (Some(t), Some(i)) => {
                    self.gate(caller, t)?;
                    if conn.read(caller, Action::Read, t, i).await?.is_none() {
                        return Err(FhirError::NotFound(format!("{t}/{i}")));
                    }
                }
                _ if !unrestricted => {
                    return Err(if matches!(caller.principal, ws_identity::Principal::Anonymous) {
                        FhirError::Unauthorized("history across resources needs a back-end access token".into())
                    } else {
                        FhirError::Forbidden("history across resources is for back-end integrations; ask for one resource's history".into())
                    });
                }
                _ => {}
            }
            // Each version is checked on its own: a label added later hides earlier versions too
            // only if they carried it; tombstones follow the current resource's check above.
            let (rows, total) = conn.history(caller, &q).await?;
            let mut comps: HashSet<&str> = rows.iter().map(|r| r.compartment.as_str()).filter(|c| !c.is_empty()).collect();
            if comps.is_empty() {
                comps.insert("");
            }
            for c in comps {
                self.audit.record(caller.record(self.clock.now_micros(), "history", res_type, id, Some(c), "success", None));
            }
            let mut path = self.base_url.clone();
            if let Some(t) = res_type {
                path.push('/');
                path.push_str(t);
            }
            if let Some(i) = id {
                path.push('/');
                path.push_str(i);
            }
            path.push_str("/_history");
            let mut base_pairs: Vec<(String, String)> = vec![("_count".into(), q.count.to_string())];
            if let Some(s) = pairs.iter().find(|(k, _)| k == "_since") {
                base_pairs.push(s.clone());
            }
            base_pairs.push(("_snapshot".into(), snapshot.to_string()));
            let mut links = vec![json!({"relation": "self", "url": format!("{path}?{}", query_string(&[base_pairs.clone(), vec![("_offset".into(), q.offset.to_string())]].concat()))})];
            if q.count > 0 && q.offset + q.count < total {
                links.push(json!({"relation": "next", "url": format!("{path}?{}", query_string(&[base_pairs.clone(), vec![("_offset".into(), (q.offset + q.count).to_string())]].concat()))}));
            }
            if q.offset > 0 {
                links.push(json!({"relation": "previous", "url": format!("{path}?{}", query_string(&[base_pairs, vec![("_offset".into(), (q.offset - q.count).max(0).to_string())]].concat()))}));
            }
            let entries: Vec<Value> = rows
                .iter()
                .map(|r| {
                    let mut e = json!({
                        "fullUrl": self.full_url(&r.res_type, &r.id),
                        "request": {
                            "method": if r.deleted { "DELETE" } else if r.version == 1 { "POST" } else { "PUT" },
                            "url": if r.version == 1 && !r.deleted { r.res_type.clone() } else { format!("{}/{}", r.res_type, r.id) },
                        },
                        "response": {
                            "status": if r.deleted { "204" } else if r.version == 1 { "201" } else { "200" },
                            "etag": format!("W/\"{}\"", r.version),
                            "lastModified": time::instant(r.last_updated),
                        },
                    });
                    if let (Some(c), Some(o)) = (&r.content, e.as_object_mut())
                        && let Ok(v) = serde_json::from_str::<Value>(c)
                    {
                        o.insert("resource".into(), v);
                    }
                    e
                })
                .collect();
            Ok(json!({
                "resourceType": "Bundle",
                "id": new_id(),
                "type": "history",
                "total": total,
                "link": links,
                "entry": entries,
            })
            .to_string())
        }
        .await;
        if let Err(e) = &res {
            match (res_type, id) {
                (Some(t), Some(i)) => self.audit_refusal(caller, "history", t, i, e).await,
                _ => self.audit_failure(caller, "history", res_type, id, e),
            }
        }
        res
    }

    /// `Patient/{id}/$everything`: the patient's whole compartment as a searchset Bundle,
    /// filtered by the same policy as every read (labels, teen limits, scopes). At most
    /// [`EVERYTHING_MAX`] resources; beyond that the caller is pointed at `$export`.
    pub async fn everything(&self, caller: &Caller, id: &str) -> Result<String, FhirError> {
        let res = async {
            crate::ops::check_id("Patient", id)?;
            self.gate(caller, "Patient")?;
            let mut conn = self.db.snapshot().await?;
            match conn.read(caller, Action::Read, "Patient", id).await? {
                Some(p) if !p.deleted => {}
                Some(_) => return Err(FhirError::Gone(format!("Patient/{id}"))),
                None => return Err(FhirError::NotFound(format!("Patient/{id}"))),
            }
            let Some(mut rows) = conn.compartment(caller, id, EVERYTHING_MAX).await? else {
                return Err(FhirError::bad(
                    IssueCode::TooLong,
                    format!("this record holds more than {EVERYTHING_MAX} resources; use Patient/$export"),
                ));
            };
            conn.commit().await?;
            // The Patient first, as the operation's definition suggests.
            rows.sort_by_key(|r| (r.res_type != "Patient", r.res_type.clone(), r.id.clone()));
            self.audit.record(caller.record(self.clock.now_micros(),
                "everything",
                Some("Patient"),
                Some(id),
                Some(id),
                "success",
                Some(format!("{} resources", rows.len())),
            ));
            let entries: Vec<Value> = rows
                .iter()
                .filter_map(|r| {
                    let v: Value = serde_json::from_str(r.content.as_deref()?).ok()?;
                    Some(json!({
                        "fullUrl": self.full_url(&r.res_type, &r.id),
                        "resource": v,
                        "search": {"mode": "match"},
                    }))
                })
                .collect();
            Ok(json!({
                "resourceType": "Bundle",
                "id": new_id(),
                "type": "searchset",
                "total": entries.len(),
                "link": [{"relation": "self", "url": format!("{}/Patient/{id}/$everything", self.base_url)}],
                "entry": entries,
            })
            .to_string())
        }
        .await;
        if let Err(e) = &res {
            self.audit_failure(caller, "everything", Some("Patient"), Some(id), e);
        }
        res
    }

    /// Process a transaction or batch Bundle; returns the response Bundle.
    pub async fn process_bundle(&self, caller: &Caller, body: &[u8]) -> Result<Value, FhirError> {
        match crate::ops::parse_resource_shallow(body) {
            Ok(bundle) => self.process_bundle_value(caller, &bundle).await,
            Err(e) => self.audit_failed_transaction(caller, Err(e)),
        }
    }

    /// [`Fhir::process_bundle`] for a Bundle already parsed (services build theirs as JSON
    /// values; serialising and re-parsing them would be wasted work).
    pub async fn process_bundle_value(
        &self,
        caller: &Caller,
        bundle: &Value,
    ) -> Result<Value, FhirError> {
        let res = async {
            if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
                return Err(FhirError::bad(
                    IssueCode::Invalid,
                    "POST to the FHIR base must carry a Bundle",
                ));
            }
            let kind = bundle
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let entries = parse_entries(bundle)?;
            match kind.as_str() {
                "transaction" => self.transaction(caller, entries).await,
                "batch" => Ok(self.batch(caller, entries).await),
                other => Err(FhirError::BadRequest(vec![
                    Issue::error(
                        IssueCode::Invalid,
                        format!("Bundle.type must be 'transaction' or 'batch', not '{other}'"),
                    )
                    .at("Bundle.type"),
                ])),
            }
        }
        .await;
        self.audit_failed_transaction(caller, res)
    }

    async fn transaction(
        &self,
        caller: &Caller,
        mut entries: Vec<Entry>,
    ) -> Result<Value, FhirError> {
        // Validate every resource first: a bad one anywhere rejects the whole Bundle.
        let checked = crate::batched::par_map(&entries, |e| match &e.resource {
            Some(r) => check_resource(r, e.target_type()),
            None => Ok(()),
        });
        for (i, c) in checked.into_iter().enumerate() {
            c.map_err(|err| at_entry(err, i))?;
        }
        let mut tx = self.db.begin().await?;
        // Give each POST its id (or find its conditional match) so urn:uuid references resolve.
        let mut ids: HashMap<String, String> = HashMap::new();
        let mut preassigned: Vec<Option<(String, bool)>> = vec![None; entries.len()];
        for (i, e) in entries.iter().enumerate() {
            if e.method == "PUT" {
                if let Some(tid) = e.url_type_and_id() {
                    if let Some(full) = &e.full_url {
                        ids.insert(full.clone(), tid);
                    }
                } else if let Some((t, q)) = e.url.split_once('?') {
                    // Conditional update: find its target now so references to it resolve.
                    let id = match self
                        .resolve_conditional(&mut tx, caller, Action::Update, t, q)
                        .await
                        .map_err(|err| at_entry(err, i))?
                    {
                        crate::Conditional::One(r) => r.id,
                        crate::Conditional::None => e
                            .resource
                            .as_ref()
                            .and_then(|r| r.get("id"))
                            .and_then(Value::as_str)
                            .map_or_else(new_id, str::to_owned),
                    };
                    if let Some(full) = &e.full_url {
                        ids.insert(full.clone(), format!("{t}/{id}"));
                    }
                    preassigned[i] = Some((id, false));
                }
                continue;
            }
            if e.method != "POST" {
                continue;
            }
            let t = e.url.split('?').next().unwrap_or_default().to_owned();
            let (id, exists) = match &e.if_none_exist {
                Some(q) => match self
                    .resolve_conditional(&mut tx, caller, Action::Create, &t, q)
                    .await
                    .map_err(|err| at_entry(err, i))?
                {
                    crate::Conditional::One(r) => (r.id, true),
                    crate::Conditional::None => (new_id(), false),
                },
                None => (new_id(), false),
            };
            if let Some(full) = &e.full_url {
                ids.insert(full.clone(), format!("{t}/{id}"));
            }
            preassigned[i] = Some((id, exists));
        }
        for (i, e) in entries.iter_mut().enumerate() {
            if let Some(r) = &mut e.resource {
                rewrite_refs(r, &ids).map_err(|err| at_entry(err, i))?;
            }
        }
        if let Some(responses) = self
            .batched_transaction(&mut tx, caller, &entries, &preassigned)
            .await?
        {
            tx.commit().await?;
            return Ok(
                json!({"resourceType": "Bundle", "id": new_id(), "type": "transaction-response", "entry": responses}),
            );
        }
        let mut responses: Vec<Value> = vec![Value::Null; entries.len()];
        let order = ["DELETE", "POST", "PUT", "GET"];
        for method in order {
            for (i, e) in entries.iter().enumerate() {
                if e.method != method {
                    continue;
                }
                let r = self
                    .run_entry_in(&mut tx, caller, e, preassigned[i].clone())
                    .await
                    .map_err(|err| at_entry(err, i))?;
                responses[i] = r;
            }
        }
        tx.commit().await?;
        Ok(
            json!({"resourceType": "Bundle", "id": new_id(), "type": "transaction-response", "entry": responses}),
        )
    }

    async fn batch(&self, caller: &Caller, entries: Vec<Entry>) -> Value {
        let mut responses = Vec::with_capacity(entries.len());
        for e in &entries {
            let r = async {
                if let Some(r) = &e.resource {
                    check_resource(r, e.target_type())?;
                }
                let mut tx = self.db.begin().await?;
                let pre = if e.method == "POST" {
                    e.if_none_exist
                        .as_ref()
                        .map_or(Some((new_id(), false)), |_| None)
                } else {
                    None
                };
                let out = self.run_entry_in(&mut tx, caller, e, pre).await?;
                tx.commit().await?;
                Ok::<Value, FhirError>(out)
            }
            .await;
            responses.push(match r {
                Ok(v) => v,
                Err(err) => {
                    self.audit_failure(caller, &e.method.to_lowercase(), e.target_type(), None, &err);
                    json!({"response": {"status": err.status().to_string(), "outcome": err.outcome()}})
                }
            });
        }
        json!({"resourceType": "Bundle", "id": new_id(), "type": "batch-response", "entry": responses})
    }

    /// Run one entry inside `tx`; returns its response entry.
    async fn run_entry_in(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        e: &Entry,
        pre: Option<(String, bool)>,
    ) -> Result<Value, FhirError> {
        let (path, query) = match e.url.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (e.url.as_str(), None),
        };
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match (e.method.as_str(), segs.as_slice()) {
            ("POST", [t]) => {
                check_type(t)?;
                let resource = e.resource.clone().ok_or_else(|| {
                    FhirError::bad(IssueCode::Required, "a POST entry needs a resource")
                })?;
                match pre {
                    Some((id, true)) => {
                        let r = tx
                            .read(caller, Action::Read, t, &id)
                            .await?
                            .ok_or_else(|| FhirError::NotFound(format!("{t}/{id}")))?;
                        Ok(
                            json!({"response": {"status": "200 OK", "location": format!("{t}/{}/_history/{}", r.id, r.version), "etag": format!("W/\"{}\"", r.version)}}),
                        )
                    }
                    Some((id, false)) => Ok(written_entry(
                        self.create_in(tx, caller, resource, Some(id), None).await?,
                    )),
                    None => Ok(written_entry(
                        self.create_in(tx, caller, resource, None, e.if_none_exist.as_deref())
                            .await?,
                    )),
                }
            }
            ("PUT", [t]) => {
                let q = query.ok_or_else(|| {
                    FhirError::bad(IssueCode::Invalid, "PUT needs Type/id or Type?criteria")
                })?;
                let mut resource = e.resource.clone().ok_or_else(|| {
                    FhirError::bad(IssueCode::Required, "a PUT entry needs a resource")
                })?;
                match pre {
                    // Resolved before the entries ran (transactions): update or create that id.
                    Some((id, _)) => {
                        check_type(t)?;
                        if let Some(body_id) = resource.get("id").and_then(Value::as_str)
                            && body_id != id
                        {
                            return Err(FhirError::bad(
                                IssueCode::Invalid,
                                format!(
                                    "the body's id '{body_id}' differs from the matched resource {t}/{id}"
                                ),
                            ));
                        }
                        if let Some(o) = resource.as_object_mut() {
                            o.insert("id".into(), Value::String(id.clone()));
                        }
                        Ok(written_entry(
                            self.update_in(tx, caller, t, &id, resource, None).await?,
                        ))
                    }
                    None => Ok(written_entry(
                        self.conditional_update_in(tx, caller, t, q, resource)
                            .await?,
                    )),
                }
            }
            ("PUT", [t, id]) => {
                check_type(t)?;
                let resource = e.resource.clone().ok_or_else(|| {
                    FhirError::bad(IssueCode::Required, "a PUT entry needs a resource")
                })?;
                let if_match = e.if_match.as_deref().map(parse_etag).transpose()?;
                Ok(written_entry(
                    self.update_in(tx, caller, t, id, resource, if_match)
                        .await?,
                ))
            }
            ("DELETE", [t, id]) => {
                check_type(t)?;
                let if_match = e.if_match.as_deref().map(parse_etag).transpose()?;
                Ok(written_entry(
                    self.delete_in(tx, caller, t, id, if_match).await?,
                ))
            }
            ("DELETE", [t]) => {
                let q = query.ok_or_else(|| {
                    FhirError::bad(IssueCode::Invalid, "DELETE needs Type/id or Type?criteria")
                })?;
                match self
                    .resolve_conditional(tx, caller, Action::Delete, t, q)
                    .await?
                {
                    crate::Conditional::One(r) => Ok(written_entry(
                        self.delete_in(tx, caller, t, &r.id, None).await?,
                    )),
                    crate::Conditional::None => {
                        Ok(json!({"response": {"status": "204 No Content"}}))
                    }
                }
            }
            ("GET", [t, id]) => {
                check_type(t)?;
                crate::ops::check_id(t, id)?;
                self.gate(caller, t)?;
                let r = tx
                    .read(caller, Action::Read, t, id)
                    .await?
                    .ok_or_else(|| FhirError::NotFound(format!("{t}/{id}")))?;
                entry_for_read(self, caller, "read", r)
            }
            ("GET", [t, id, "_history", v]) => {
                check_type(t)?;
                let v: i64 = v.parse().map_err(|_| {
                    FhirError::bad(IssueCode::Invalid, format!("version '{v}' is not a number"))
                })?;
                crate::ops::check_id(t, id)?;
                self.gate(caller, t)?;
                let r = tx
                    .vread(caller, t, id, v)
                    .await?
                    .ok_or_else(|| FhirError::NotFound(format!("{t}/{id}/_history/{v}")))?;
                entry_for_read(self, caller, "vread", r)
            }
            ("GET", [t]) => {
                check_type(t)?;
                self.gate(caller, t)?;
                let pairs = parse_query_string(query.unwrap_or_default());
                let parsed = parse_search(t, &pairs, false)?;
                let page = tx.search(caller, &pairs, &parsed.query).await?;
                for c in page
                    .rows
                    .iter()
                    .map(|r| r.compartment.as_str())
                    .collect::<HashSet<_>>()
                {
                    self.audit.record(caller.record(
                        self.clock.now_micros(),
                        "search",
                        Some(t),
                        None,
                        Some(c),
                        "success",
                        query.map(str::to_owned),
                    ));
                }
                let bundle: Value =
                    serde_json::from_str(&self.render_searchset(t, &parsed, &page, &[]))
                        .unwrap_or(Value::Null);
                Ok(json!({"resource": bundle, "response": {"status": "200 OK"}}))
            }
            (m, _) => Err(FhirError::bad(
                IssueCode::NotSupported,
                format!("{m} {} is not supported in a Bundle", e.url),
            )),
        }
    }
}

/// The response entry for a write.
pub(crate) fn written_entry(w: Written) -> Value {
    let mut resp = json!({
        "status": match w.status { 201 => "201 Created", 204 => "204 No Content", _ => "200 OK" },
        "etag": format!("W/\"{}\"", w.version),
        "lastModified": time::instant(w.last_updated),
    });
    if w.status != 204
        && let Some(o) = resp.as_object_mut()
    {
        o.insert(
            "location".into(),
            Value::String(format!("{}/{}/_history/{}", w.res_type, w.id, w.version)),
        );
    }
    json!({"response": resp})
}

fn entry_for_read(
    fhir: &Fhir,
    caller: &Caller,
    action: &str,
    r: StoredResource,
) -> Result<Value, FhirError> {
    if r.deleted {
        return Err(FhirError::Gone(format!("{}/{}", r.res_type, r.id)));
    }
    fhir.audit.record(caller.record(
        fhir.clock.now_micros(),
        action,
        Some(&r.res_type),
        Some(&r.id),
        Some(&r.compartment),
        "success",
        None,
    ));
    let resource: Value = r
        .content
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or(Value::Null);
    Ok(
        json!({"resource": resource, "response": {"status": "200 OK", "etag": format!("W/\"{}\"", r.version), "lastModified": time::instant(r.last_updated)}}),
    )
}

/// Prefix an error's issues with the entry it came from.
pub(crate) fn at_entry(err: FhirError, i: usize) -> FhirError {
    let wrap = |issues: Vec<Issue>| {
        issues
            .into_iter()
            .map(|mut is| {
                is.diagnostics = format!("Bundle.entry[{i}]: {}", is.diagnostics);
                is.expression = Some(match is.expression {
                    Some(e) => format!(
                        "Bundle.entry[{i}].resource.{}",
                        e.split_once('.').map_or(e.as_str(), |(_, rest)| rest)
                    ),
                    None => format!("Bundle.entry[{i}]"),
                });
                is
            })
            .collect()
    };
    match err {
        FhirError::BadRequest(i2) => FhirError::BadRequest(wrap(i2)),
        FhirError::Unprocessable(i2) => FhirError::Unprocessable(wrap(i2)),
        FhirError::NotFound(m) => FhirError::NotFound(format!("Bundle.entry[{i}]: {m}")),
        FhirError::Gone(m) => FhirError::Gone(format!("Bundle.entry[{i}]: {m}")),
        FhirError::Conflict(m) => FhirError::Conflict(format!("Bundle.entry[{i}]: {m}")),
        FhirError::PreconditionFailed(m) => {
            FhirError::PreconditionFailed(format!("Bundle.entry[{i}]: {m}"))
        }
        other => other,
    }
}

/// One request entry of a transaction or batch.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) full_url: Option<String>,
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) if_none_exist: Option<String>,
    pub(crate) if_match: Option<String>,
    pub(crate) resource: Option<Value>,
}

impl Entry {
    fn target_type(&self) -> Option<&str> {
        let p = self.url.split('?').next().unwrap_or_default();
        p.split('/').find(|s| !s.is_empty())
    }

    fn url_type_and_id(&self) -> Option<String> {
        let segs: Vec<&str> = self
            .url
            .split('?')
            .next()?
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        match segs.as_slice() {
            [t, id] => Some(format!("{t}/{id}")),
            _ => None,
        }
    }
}

fn parse_entries(bundle: &Value) -> Result<Vec<Entry>, FhirError> {
    let Some(list) = bundle.get("entry") else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or_else(|| {
        FhirError::BadRequest(vec![
            Issue::error(IssueCode::Structure, "Bundle.entry must be an array").at("Bundle.entry"),
        ])
    })?;
    let mut out = Vec::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        let bad = |msg: &str, at: &str| {
            FhirError::BadRequest(vec![
                Issue::error(IssueCode::Required, format!("Bundle.entry[{i}]: {msg}"))
                    .at(format!("Bundle.entry[{i}]{at}")),
            ])
        };
        let req = e
            .get("request")
            .ok_or_else(|| bad("request is missing", ".request"))?;
        let method = req
            .get("method")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("request.method is missing", ".request.method"))?;
        if !["GET", "POST", "PUT", "DELETE"].contains(&method) {
            return Err(bad(
                &format!("method '{method}' is not supported (GET, POST, PUT, DELETE)"),
                ".request.method",
            ));
        }
        let url = req
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("request.url is missing", ".request.url"))?;
        let resource = e.get("resource").cloned();
        if matches!(method, "POST" | "PUT") && resource.is_none() {
            return Err(bad("a POST or PUT entry needs a resource", ".resource"));
        }
        if let Some(r) = &resource
            && !r.is_object()
        {
            return Err(bad("resource must be a JSON object", ".resource"));
        }
        out.push(Entry {
            full_url: e.get("fullUrl").and_then(Value::as_str).map(str::to_owned),
            method: method.to_owned(),
            url: url.trim_start_matches('/').to_owned(),
            if_none_exist: req
                .get("ifNoneExist")
                .and_then(Value::as_str)
                .map(str::to_owned),
            if_match: req
                .get("ifMatch")
                .and_then(Value::as_str)
                .map(str::to_owned),
            resource,
        });
    }
    Ok(out)
}

/// Replace `urn:uuid:` (and other fullUrl) references with the ids the transaction assigned.
fn rewrite_refs(v: &mut Value, ids: &HashMap<String, String>) -> Result<(), FhirError> {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if k == "reference"
                    && let Value::String(s) = child
                {
                    if let Some(new) = ids.get(s.as_str()) {
                        *s = new.clone();
                    } else if s.starts_with("urn:uuid:") || s.starts_with("urn:oid:") {
                        return Err(FhirError::bad(
                            IssueCode::NotFound,
                            format!(
                                "reference '{s}' does not match any entry's fullUrl in this Bundle"
                            ),
                        ));
                    }
                    continue;
                }
                rewrite_refs(child, ids)?;
            }
        }
        Value::Array(a) => {
            for c in a {
                rewrite_refs(c, ids)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Does this id look like a FHIR id? (re-exported for the web crate's path checks)
pub fn valid_id(id: &str) -> bool {
    validate::is_valid_id(id)
}
