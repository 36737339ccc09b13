//! Results and records: lab results in over HL7 v2 (ORU^R01, MLLP and files), released to the
//! member at once with their trends; the member's record by section; the legal clocks of
//! requests about the record (copies, amendments, accountings).
//!
//! - [`rules`]: the decisions, as pure functions (FMT-04, HIP-01..03, HIP-08), with table
//!   tests named after the DOMAIN ids. No I/O.
//! - [`service`]: [`RecordsService`], which reads and writes FHIR resources through the FHIR
//!   service (authorized and audited there), and the MLLP listener.
//!
//! Its portal pages and staff screens live in `crates/web/src/records/`.

pub mod rules;
pub mod service;

pub use service::{RecordsError, RecordsService};
