//! Identity: who is calling and what they may do. Accounts, passwords, two-step verification,
//! lockout, password resets, sessions, proxy (act-for-a-family-member) links, SMART on FHIR
//! clients and tokens — and the one authorization policy every health-data read or write asks.
//!
//! `rules` holds the pure decisions (DOMAIN.md §4 and §6), tested by tables without a database;
//! `service` holds the I/O around them.

pub mod caller;
pub mod rules;
pub mod secrets;
pub mod service;

pub use caller::{Access, Caller, Grant, Principal, StaffRole};
pub use service::{Identity, IdentityConfig, IdentityError};
pub use ws_store::Clock;
pub use ws_store::identity::TokenProblem;
