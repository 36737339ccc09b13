//! Wellspring's facade over the FHIR R4 model.
//!
//! Everything else in Wellspring talks FHIR through this crate: the list of resource types,
//! strict validation of incoming JSON (backed by the `fhir` crate's R4 types, see
//! `docs/adr/0002-fhir-model.md`), the search parameters we index and how their values are
//! extracted, and OperationOutcome construction. The heavy generated model compiles once, here.

pub mod outcome;
pub mod search_params;
pub mod validate;

pub use outcome::{Details, Issue, IssueCode, Severity, operation_outcome};

/// The FHIR version this server speaks.
pub const FHIR_VERSION: &str = "4.0.1";
