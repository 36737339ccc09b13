//! Coverage: the health-plan half of integrated care and coverage — plans, enrollment and its
//! windows, families and dependents, dues ledger, ID cards, care away from home, X12 834/270/271.
//!
//! - [`rules`]: the decisions, as pure functions of their inputs and "today" (DOMAIN.md §1, §10),
//!   with table tests named after the DOMAIN ids. No I/O.
//! - [`service`]: [`CoverageService`], which reads and writes FHIR resources through the FHIR
//!   service (authorized and audited there) and asks the rules.
//!
//! Its portal pages, staff screens and HTTP API live in `crates/web/src/coverage/`.

pub mod rules;
pub mod service;

pub use service::{CoverageError, CoverageService};
