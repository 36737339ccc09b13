//! Results and records rules: pure functions, no I/O.
//!
//! - [`oru`]: validate an HL7 v2 ORU^R01 and read its patient, orders and results (FMT-04).
//! - [`to_fhir`]: the results as FHIR DiagnosticReport + Observation transaction entries.
//! - [`ack`]: the HL7 acknowledgment of one message.
//! - [`reconcile`]: records brought in — which items, when two are the same, how one becomes ours.
//! - [`requests`]: the legal clocks of copy, amendment and accounting requests (HIP-01..03).
//! - [`disclosures`]: disclosures staff record and the member's accounting of them (HIP-03).
//! - [`hold`]: a clinician's individual harm determination holding one result (HIP-08).
//! - [`share`]: a one-time share link's life: expiry, one viewing, turned off.
//! - [`trend`]: a result's earlier values as an SVG chart.

pub mod ack;
pub mod disclosures;
pub mod hold;
pub mod oru;
pub mod reconcile;
pub mod requests;
pub mod share;
pub mod to_fhir;
pub mod trend;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod oru_tests;
