//! Write guards: a capability's invariants on writes of its resource types, checked inside the
//! write's own transaction on every path (REST create/update/delete, conditional operations,
//! transaction and batch Bundles, capability services).
//!
//! A guard sees the change (before and after), may read what it needs through [`Facts`] (in
//! the same transaction, unrestricted: a guard decides, it never returns what it read), and
//! answers with a refusal or with companion updates written in the same transaction — each at
//! the version the guard read, so two concurrent writes that both rely on the same companion
//! cannot both commit (the store's version check turns the loser into a 409). Scheduling uses
//! it so that a slot is never booked twice and a personal doctor's panel is never overfilled.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::Value;
use ws_identity::Caller;

use crate::FhirError;
use crate::access::{Tx, Unrestricted};

/// What kind of write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Update,
    Delete,
}

/// One write a guard is asked about.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub kind: ChangeKind,
    pub res_type: &'a str,
    pub id: &'a str,
    /// The current version (`None` on create, or when it was deleted).
    pub before: Option<&'a Value>,
    /// The new content (`None` on delete).
    pub after: Option<&'a Value>,
}

/// An update a guard asks for alongside the write: `value` replaces the resource that is now at
/// `version` (read through [`Facts`]).
#[derive(Debug, Clone)]
pub struct Companion {
    pub value: Value,
    pub version: i64,
}

pub type GuardFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<Companion>, FhirError>> + Send + 'a>>;

/// A capability's invariants on writes.
pub trait WriteGuard: Send + Sync {
    /// Does this guard look at writes of `res_type`? (Cheap: called on every write.)
    fn watches(&self, res_type: &str) -> bool;
    /// Decide: `Err` refuses the write (nothing is written), `Ok` lists companion updates.
    fn check<'a>(
        &'a self,
        facts: &'a mut Facts<'_>,
        caller: &'a Caller,
        change: Change<'a>,
    ) -> GuardFuture<'a>;
}

pub(crate) type Guards = Arc<Vec<Arc<dyn WriteGuard>>>;

/// What a guard may read: current versions and searches, inside the write's transaction.
pub struct Facts<'t> {
    tx: &'t mut Tx,
    now_micros: i64,
}

impl<'t> Facts<'t> {
    pub(crate) fn new(tx: &'t mut Tx, now_micros: i64) -> Facts<'t> {
        Facts { tx, now_micros }
    }

    /// "Now" on the service's clock, in microseconds since the epoch.
    pub fn now_micros(&self) -> i64 {
        self.now_micros
    }

    /// The current version of `res_type/id` and its content (`None`: missing or deleted).
    pub async fn read(
        &mut self,
        res_type: &str,
        id: &str,
    ) -> Result<Option<(Value, i64)>, FhirError> {
        let system = Caller::system();
        let u = Unrestricted::of(&system).ok_or_else(|| {
            FhirError::bad(ws_fhir::IssueCode::Exception, "system caller not available")
        })?;
        let Some(r) = self.tx.raw(&u).read(res_type, id).await? else {
            return Ok(None);
        };
        if r.deleted {
            return Ok(None);
        }
        let Some(content) = r.content else {
            return Ok(None);
        };
        let v = serde_json::from_str(&content)
            .map_err(|e| FhirError::bad(ws_fhir::IssueCode::Exception, e.to_string()))?;
        Ok(Some((v, r.version)))
    }

    /// Resources of `res_type` matching a search query string (at most `limit`).
    pub async fn search(
        &mut self,
        res_type: &str,
        query: &str,
        limit: i64,
    ) -> Result<Vec<Value>, FhirError> {
        let (rows, _) = self.run(res_type, query, limit, false).await?;
        rows.into_iter()
            .filter_map(|r| r.content)
            .map(|c| {
                serde_json::from_str(&c)
                    .map_err(|e| FhirError::bad(ws_fhir::IssueCode::Exception, e.to_string()))
            })
            .collect()
    }

    /// How many resources of `res_type` match a search query string.
    pub async fn count(&mut self, res_type: &str, query: &str) -> Result<i64, FhirError> {
        let (_, total) = self.run(res_type, query, 0, true).await?;
        Ok(total.unwrap_or(0))
    }

    async fn run(
        &mut self,
        res_type: &str,
        query: &str,
        limit: i64,
        total: bool,
    ) -> Result<(Vec<ws_store::StoredResource>, Option<i64>), FhirError> {
        let pairs = crate::query::parse_query_string(query);
        let mut q = crate::query::parse_search(res_type, &pairs, false)?.query;
        q.count = limit;
        q.want_total = total;
        q.after = None;
        let system = Caller::system();
        let page = self.tx.search(&system, &pairs, &q).await?;
        Ok((page.rows, page.total))
    }
}
