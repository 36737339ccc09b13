//! Pure rules: no I/O, no clock (the date is an argument). Tests are tables named after the
//! DOMAIN.md rule they check.

/// Own-account eligibility: 13 and over, teens 13–17 with teen limits (PRX-07, PRX-04).
pub mod account;
/// The client's address behind configured reverse proxies (`X-Forwarded-For`), for AUT-01.
pub mod address;
/// Completed years of age on a date; Feb 29 birthdays fall on Mar 1 in common years.
pub mod age;
/// Sensitivity security labels (PSY, ETH, SEX) for FHIR resources (PRX-03, PRX-06).
pub mod labels;
/// Sign-in lockout per account and throttle per client address (AUT-01, AUT-03).
pub mod lockout;
/// Password acceptance: length, breached and common passwords, repetition, context (AUT-02).
pub mod password;
/// The authorization policy every health-data read, search or write asks (§4, HIP-04).
pub mod policy;
/// Proxy access: parent, caregiver and legal relationships by age and state (PRX-01..05).
pub mod proxy;
/// Redirect URIs an app may register (https, or http on the loopback host itself).
pub mod redirect;
