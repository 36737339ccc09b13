//! Pharmacy: the medication list, refills with every "no" explained, renewals, fulfilment by
//! mail or at a pharmacy, transfers in.
//!
//! - [`rules`]: the decisions, as pure functions of their inputs and "today" (RX-01..08), with
//!   table tests named after the DOMAIN ids. No I/O.
//! - [`service`]: [`PharmacyService`], which reads and writes FHIR resources through the FHIR
//!   service (authorized and audited there).
//!
//! Its portal pages, staff screens and the `$refill` operation live in `crates/web/src/pharmacy/`.

pub mod rules;
pub mod service;

pub use service::{PharmacyError, PharmacyService};
