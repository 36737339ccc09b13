//! The FHIR R4 service: every FHIR interaction (read, vread, search, history, create, update,
//! delete, conditional operations, transaction and batch Bundles, Bulk Data import and export),
//! independent of HTTP. Each call authorizes through the one policy, loads, applies the rules,
//! writes in one transaction and lands in the audit log. The store is private to the `access`
//! module: every other module reaches health data only through its guarded connections, which
//! take the caller and apply the policy themselves (ADR 0005). The web crate maps requests onto it; the command line uses it for import and export.

mod access;
mod batched;
pub mod bulk;
pub mod bundle;
pub mod calendar;
pub mod capability;
pub mod guards;
mod ops;
pub mod query;
pub mod task;
pub mod time;

use serde_json::Value;
use ws_audit::Auditor;
use ws_fhir::{Issue, IssueCode};
pub use ws_identity::{Caller, Principal};
pub use ws_store::{AuditRecord, Clock, ExportJob, StoredResource};
use ws_store::{Store, StoreError};

pub use batched::PreparedPuts;
pub use ops::{Conditional, Written};

/// Errors of the FHIR service; the web crate maps each to a status and an OperationOutcome.
#[derive(Debug, thiserror::Error)]
pub enum FhirError {
    /// 400: the request is malformed (bad JSON, bad search parameter, …).
    #[error("bad request: {}", first(.0))]
    BadRequest(Vec<Issue>),
    /// 422: well-formed but not a valid resource.
    #[error("unprocessable: {}", first(.0))]
    Unprocessable(Vec<Issue>),
    /// 401: nobody signed in (or the token is not valid) for data that needs it.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// 403: signed in, but policy does not allow this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} was deleted")]
    Gone(String),
    /// 409: a conflicting write happened first.
    #[error("conflict: {0}")]
    Conflict(String),
    /// 412: If-Match did not match, or a conditional operation matched more than one resource.
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    /// 413
    #[error("request too large: {0}")]
    TooLarge(String),
    /// 405
    #[error("not allowed: {0}")]
    MethodNotAllowed(String),
    #[error("not supported: {0}")]
    NotSupported(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

fn first(issues: &[Issue]) -> String {
    issues.first().map(ToString::to_string).unwrap_or_default()
}

/// Errors of the capability services built on the FHIR service (records, pharmacy): the FHIR
/// service's own, or a refusal in words. One type, so the web crate maps it once.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Fhir(#[from] FhirError),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// A member's request the rules refuse, in words each edge says in its own language (the
    /// portal in the page's, the API in English): the card, the form, the request as typed.
    #[error("{0}")]
    Refused(ws_i18n::said::Said),
}

impl ServiceError {
    /// HTTP status for the web layer.
    pub fn status(&self) -> u16 {
        match self {
            ServiceError::Fhir(e) => e.status(),
            ServiceError::Forbidden(_) => 403,
            ServiceError::NotFound(_) => 404,
            ServiceError::Invalid(_) | ServiceError::Refused(_) => 400,
        }
    }
}

impl FhirError {
    pub fn bad(code: IssueCode, msg: impl Into<String>) -> FhirError {
        FhirError::BadRequest(vec![Issue::error(code, msg)])
    }

    /// The HTTP status this error maps to.
    pub fn status(&self) -> u16 {
        match self {
            FhirError::BadRequest(_) => 400,
            FhirError::Unprocessable(_) => 422,
            FhirError::Unauthorized(_) => 401,
            FhirError::Forbidden(_) => 403,
            FhirError::NotFound(_) => 404,
            FhirError::Gone(_) => 410,
            FhirError::Conflict(_) => 409,
            FhirError::PreconditionFailed(_) => 412,
            FhirError::TooLarge(_) => 413,
            FhirError::MethodNotAllowed(_) => 405,
            FhirError::NotSupported(_) => 400,
            FhirError::Store(StoreError::VersionConflict { .. }) => 409,
            FhirError::Store(StoreError::BadCursor) => 400,
            FhirError::Store(_) => 500,
        }
    }

    /// The issues to report. A 5xx never carries internal detail.
    pub fn issues(&self) -> Vec<Issue> {
        match self {
            FhirError::BadRequest(i) | FhirError::Unprocessable(i) => i.clone(),
            FhirError::Unauthorized(m) => vec![Issue::error(IssueCode::Login, m.clone())],
            FhirError::Forbidden(m) => vec![Issue::error(IssueCode::Forbidden, m.clone())],
            FhirError::NotFound(m) => {
                vec![Issue::error(IssueCode::NotFound, format!("{m} not found"))]
            }
            FhirError::Gone(m) => vec![Issue::error(
                IssueCode::Deleted,
                format!("{m} has been deleted"),
            )],
            FhirError::Conflict(m) => vec![Issue::error(IssueCode::Conflict, m.clone())],
            FhirError::PreconditionFailed(m) => vec![Issue::error(IssueCode::Conflict, m.clone())],
            FhirError::TooLarge(m) => vec![Issue::error(IssueCode::TooLong, m.clone())],
            FhirError::MethodNotAllowed(m) => {
                vec![Issue::error(IssueCode::NotSupported, m.clone())]
            }
            FhirError::NotSupported(m) => vec![Issue::error(IssueCode::NotSupported, m.clone())],
            FhirError::Store(StoreError::VersionConflict { .. }) => vec![Issue::error(
                IssueCode::Conflict,
                "the resource was changed by someone else at the same time; read it again and retry",
            )],
            FhirError::Store(StoreError::BadCursor) => vec![Issue::error(
                IssueCode::Invalid,
                "the paging cursor (_cursor) is not valid for this search",
            )],
            FhirError::Store(_) => vec![Issue::error(
                IssueCode::Exception,
                "internal error; it has been logged",
            )],
        }
    }

    pub fn outcome(&self) -> Value {
        ws_fhir::operation_outcome(&self.issues())
    }

    /// The audit outcome label.
    pub fn audit_outcome(&self) -> &'static str {
        if self.status() >= 500 {
            "error"
        } else {
            "failure"
        }
    }
}

/// The FHIR service. Cheap to clone.
#[derive(Clone)]
pub struct Fhir {
    db: access::Db,
    pub audit: Auditor,
    /// Absolute base URL of the FHIR endpoint, e.g. `http://127.0.0.1:8080/fhir`.
    pub base_url: String,
    /// Where Bulk Data export files are written.
    pub export_dir: std::path::PathBuf,
    /// Where "now" comes from (`meta.lastUpdated`, audit times, export jobs).
    clock: Clock,
    /// Capabilities' invariants on writes ([`guards`]).
    guards: guards::Guards,
}

impl Fhir {
    pub fn new(
        store: Store,
        audit: Auditor,
        base_url: String,
        export_dir: std::path::PathBuf,
    ) -> Fhir {
        Fhir {
            db: access::Db::new(store),
            audit,
            base_url: base_url.trim_end_matches('/').to_owned(),
            export_dir,
            clock: Clock::system(),
            guards: std::sync::Arc::new(Vec::new()),
        }
    }

    /// The same service with one more write guard (a capability's invariants on its types).
    #[must_use]
    pub fn with_guard(mut self, guard: std::sync::Arc<dyn guards::WriteGuard>) -> Fhir {
        let mut list: Vec<_> = self.guards.iter().cloned().collect();
        list.push(guard);
        self.guards = std::sync::Arc::new(list);
        self
    }

    /// The same service on another clock (tests use a fixed one).
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Fhir {
        self.clock = clock;
        self
    }

    /// The clock the service reads the time from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Fresh planner statistics after many writes outside a bulk import (slot generation):
    /// for the system and integrations only.
    pub async fn refresh_statistics(&self, caller: &Caller) -> Result<(), FhirError> {
        let u = access::Unrestricted::of(caller)
            .ok_or_else(|| FhirError::Forbidden("statistics are refreshed by the system".into()))?;
        self.db.raw(&u).optimize().await?;
        Ok(())
    }

    /// Is the database reachable? (Health checks.)
    pub async fn ping(&self) -> Result<(), FhirError> {
        self.db.ping().await
    }

    /// One page of "who looked at this record" (newest first, `page` from 1), if the policy
    /// lets the caller see it; `has_older` tells whether another page follows.
    pub async fn access_log(
        &self,
        caller: &Caller,
        patient: &str,
        page: u32,
        page_size: i64,
    ) -> Result<(Vec<ws_store::AuditRecord>, bool), FhirError> {
        if !ws_identity::rules::policy::may_see_access_log(&caller.principal, patient) {
            return Err(FhirError::Forbidden(
                "only the member, a parent with full access or a legal representative sees this log"
                    .into(),
            ));
        }
        let mut tx = self.db.reader().await?;
        let mut before = i64::MAX;
        let mut out = Vec::new();
        // Walk to the page asked for (pages are short; the log is per member).
        for _ in 0..page {
            out = tx.list_audit_newest(patient, before, page_size + 1).await?;
            match out.get(usize::try_from(page_size - 1).unwrap_or(0)) {
                Some((seq, _)) => before = *seq,
                None => break,
            }
        }
        let size = usize::try_from(page_size).unwrap_or(50);
        let has_older = out.len() > size;
        out.truncate(size);
        Ok((out.into_iter().map(|(_, a)| a).collect(), has_older))
    }

    /// Advance a named counter (MRN blocks, …) by `n`; returns its new value. Counters hold no
    /// health data.
    pub async fn advance_counter(&self, name: &str, n: i64) -> Result<i64, FhirError> {
        let mut tx = self.db.begin().await?;
        let last = tx.advance_counter(name, n).await?;
        tx.commit().await?;
        Ok(last)
    }
}
