//! Getting care: the directory of doctors and facilities, the personal doctor (PCP) with panel
//! capacity, schedules and slots, booking that never books a slot twice, the waitlist, and
//! text reminders members can answer.
//!
//! - [`rules`]: the decisions as pure functions of their inputs and "now" (SCH-01..05,
//!   SMS-01/02), with table tests named after the DOMAIN ids. No I/O.
//! - [`service`]: [`SchedulingService`] (through the FHIR service: authorized and audited
//!   there) and [`service::guard::SchedulingGuard`], the write guard that holds the invariants
//!   on every write path — a booked appointment takes its slot in the same transaction (so a
//!   slot is never booked twice), a cancelled one frees it, and a change of personal doctor
//!   passes the PCP rules.
//!
//! Its portal pages, staff screens and public directory live in `crates/web/src/scheduling/`.

pub mod rules;
pub mod service;

pub use service::SchedulingService;
